"""Reads about payments: for staff pages, and the orders whose payment the reconciler checks."""

from datetime import timedelta

from django.db.models import F
from django.utils import timezone
from oscar.core.loading import get_model

from atelier.orders import UNPAID, OrderStatus

from .services import CARD_SOURCES

Order = get_model("order", "Order")
Source = get_model("payment", "Source")


def orders_awaiting_payment(*, older_than=timedelta(minutes=5), limit=200):
    """Numbers of orders still unpaid `older_than` after they were placed, newest first: by then
    the gateway's webhook should have come, so the reconciler asks the gateway itself."""
    return list(
        Order.objects.filter(status__in=UNPAID, date_placed__lt=timezone.now() - older_than)
        .order_by("-date_placed")
        .values_list("number", flat=True)[:limit]
    )


def money_to_refund():
    """Card payments of cancelled orders not refunded in full: money taken for what will not be made.

    One row per payment, with `left` (debited less refunded), the newest order first. A payment
    leaves the list once its money is back in full (the order stays Cancelled). Whatever brought
    it here (a payment confirmed after the order was cancelled, an order cancelled by staff after
    it was paid), staff refund it from the order's Payment and refunds panel.
    """
    return (
        Source.objects.filter(
            order__status=OrderStatus.CANCELLED,
            source_type__name__in=CARD_SOURCES,
            amount_debited__gt=F("amount_refunded"),
        )
        .annotate(left=F("amount_debited") - F("amount_refunded"))
        .select_related("order", "order__user", "source_type")
        .order_by("-order__date_placed", "-pk")
    )


def orders_with_money_to_refund():
    """How many cancelled orders hold money not yet refunded."""
    return money_to_refund().values("order_id").distinct().count()
