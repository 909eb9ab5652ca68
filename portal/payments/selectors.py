"""Reads about payments: an order's card payment and what is left to refund, for staff pages, and
the orders whose payment the reconciler checks."""

from datetime import timedelta
from decimal import Decimal

from django.db.models import F
from django.utils import timezone
from oscar.core.loading import get_model

from atelier.orders import UNPAID, OrderStatus

from .models import RefundRequest

Order = get_model("order", "Order")
Source = get_model("payment", "Source")

CARD_SOURCES = ("Stripe", "Demo gateway")
# A refund asked for in the dashboard whose gateway call never came back (its worker killed):
# after this long it no longer holds back what is left to refund.
REFUND_IN_FLIGHT = timedelta(minutes=10)


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


def card_source(order):
    """The order's card payment (Stripe or the demo gateway), or None."""
    return order.sources.filter(source_type__name__in=CARD_SOURCES).order_by("pk").first()


def all_refunded(order):
    """Whether every card payment of the order is refunded in full (and there is one)."""
    sources = list(
        order.sources.filter(source_type__name__in=CARD_SOURCES).values_list("amount_debited", "amount_refunded")
    )
    return bool(sources) and all(refunded >= debited for debited, refunded in sources)


def order_number_of_payment(reference):
    """The number of the order a card payment belongs to, or None."""
    return (
        Source.objects.filter(reference=reference, source_type__name__in=CARD_SOURCES)
        .values_list("order__number", flat=True)
        .first()
    )


def refundable(order):
    """What is left to refund of the order's card payment (debited less refunded)."""
    source = card_source(order)
    if source is None:
        return Decimal("0.00")
    return source.amount_debited - source.amount_refunded


def refunds_in_flight(order):
    """What refunds asked for in the dashboard and still at the gateway will take."""
    recent = timezone.now() - REFUND_IN_FLIGHT
    pending = RefundRequest.objects.filter(order=order, gateway_reference="", created_at__gte=recent)
    return sum(pending.values_list("amount", flat=True), Decimal("0.00"))


def payment_recorded(payment_reference):
    """Whether the payment a refund belongs to is recorded here (its debit), so the refund can be."""
    return Source.objects.filter(reference=payment_reference, amount_debited__gt=0).exists()


def order_of_payment(payment_reference):
    """The order a payment belongs to, or None."""
    return Order.objects.filter(sources__reference=payment_reference).first()
