"""Beat tasks that make payments whole when a message was lost."""

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from . import services
from .gateways import GatewayUnavailable


@shared_task(name="portal.payments.tasks.reconcile_pending_payments")
def reconcile_pending_payments():
    """Ask the gateway about orders still unpaid after five minutes: a webhook may have been lost."""
    cutoff = timezone.now() - timedelta(minutes=5)
    numbers = services.Order.objects.filter(status__in=services.UNPAID, date_placed__lt=cutoff).values_list(
        "number", flat=True
    )
    applied = 0
    for number in numbers[:200]:
        try:
            outcome = services.refresh_payment(services.Order.objects.get(number=number))
        except GatewayUnavailable:
            break  # the gateway is down; the next run tries again
        applied += outcome.result == "paid"
    return applied


@shared_task(name="portal.payments.tasks.cancel_unpaid_orders")
def cancel_unpaid_orders():
    return services.cancel_unpaid_orders()


@shared_task(name="portal.payments.tasks.resend_missing_confirmations")
def resend_missing_confirmations():
    """Paid orders whose confirmation task was lost (a killed worker) get their email now."""
    from portal.documents.services import CONFIRMATION
    from portal.documents.tasks import send_order_confirmation

    cutoff = timezone.now() - timedelta(minutes=10)
    missing = (
        services.Order.objects.filter(status="Paid", date_placed__lt=cutoff, date_placed__gt=cutoff - timedelta(days=7))
        .exclude(communication_events__event_type__code=CONFIRMATION)
        .values_list("pk", flat=True)
    )
    for order_id in missing[:200]:
        send_order_confirmation.delay(order_id)
