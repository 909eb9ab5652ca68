"""The payments' beat job. Its reconcilers (a lost webhook, an event kept for later) are rows of
portal/reconcile.py."""

from celery import shared_task

from .services import unpaid


@shared_task(name="portal.payments.tasks.cancel_unpaid_orders")
def cancel_unpaid_orders():
    """Orders never paid after a day are cancelled, with their payment; each order on its own."""
    return unpaid.cancel_unpaid_orders()
