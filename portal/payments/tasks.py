"""Beat tasks that make payments whole when a message was lost. Each order (and each kept
webhook event) is handled on its own: one that fails is noted and the others go on."""

import logging
from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from . import services, stripe_events

logger = logging.getLogger(__name__)


@shared_task(name="portal.payments.tasks.reconcile_pending_payments")
def reconcile_pending_payments():
    """Orders still unpaid after five minutes (a lost webhook), and webhook events kept for later."""
    paid = services.reconcile_pending_payments()
    stripe_events.apply_kept_events()
    return paid


@shared_task(name="portal.payments.tasks.cancel_unpaid_orders")
def cancel_unpaid_orders():
    return services.cancel_unpaid_orders()


@shared_task(name="portal.payments.tasks.resend_missing_confirmations")
def resend_missing_confirmations():
    """Orders paid ten minutes ago or more whose confirmation never went out (a lost task) get it now.

    Keyed by the payment (the order's move to Paid), not by its status now: an order already in
    production when the reconciler looks still gets its email.
    """
    from portal.documents.services import orders_missing_confirmation
    from portal.documents.tasks import send_order_confirmation

    now = timezone.now()
    for order_id in orders_missing_confirmation(paid_before=now - timedelta(minutes=10), since=now - timedelta(days=7)):
        try:
            send_order_confirmation.delay(order_id)
        except Exception:  # an eager run, or a broker refusing one message: the others still go
            logger.exception("Could not dispatch the confirmation of order id %s", order_id)
