"""Reads about documents: the paid orders whose confirmation never went out."""

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone
from oscar.core.loading import get_class, get_model

from atelier.orders import OrderStatus

from .models import STALE_CLAIM, OrderConfirmation

Order = get_model("order", "Order")
CONFIRMATION = get_class("order.utils", "OrderDispatcher").ORDER_PLACED_EVENT_CODE


def orders_missing_confirmation(*, waited=timedelta(minutes=10), within=timedelta(days=7), limit=200):
    """Ids of orders that became paid between `within` and `waited` ago and have no confirmation
    (none sent, none being sent, none skipped for want of an address).

    Keyed by the payment (Oscar's status change to Paid), not by the status now: an order that
    moved on (in production, shipped) before its email went out still gets it. `waited` leaves
    time for the email dispatched when the order was paid.
    """
    now = timezone.now()
    paid = Order.objects.filter(
        status_changes__new_status=OrderStatus.PAID,
        status_changes__date_created__lt=now - waited,
        status_changes__date_created__gte=now - within,
    )
    done_or_in_hand = OrderConfirmation.objects.filter(
        Q(sent_at__isnull=False) | ~Q(skipped="") | Q(claimed_at__gte=now - STALE_CLAIM)
    )
    return list(
        paid.exclude(communication_events__event_type__code=CONFIRMATION)
        .exclude(pk__in=done_or_in_hand.values("order_id"))
        .distinct()
        .values_list("pk", flat=True)[:limit]
    )
