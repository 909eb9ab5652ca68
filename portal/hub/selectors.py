"""Reads for the hub. Every customer object is loaded with its owner, so another's id is a 404."""

from dataclasses import dataclass, field

from django.db.models import prefetch_related_objects
from django.http import Http404
from oscar.core.loading import get_model

from atelier.orders import UNPAID, OrderStatus
from care.claims.selectors import timeline_claims_for_orders
from configurator import selectors as configurator_selectors
from loyalty.selectors.accounts import account_summary

from .timeline import build_timeline

Order = get_model("order", "Order")
Notification = get_model("communication", "Notification")
DeletionRequest = get_model("hub", "DeletionRequest")

# Still on its way to the customer: shown before the delivered, cancelled and refunded ones.
OPEN_STATUSES = (*UNPAID, OrderStatus.PAID, OrderStatus.IN_PRODUCTION, OrderStatus.SHIPPED)


def orders_for(user):
    return Order.objects.filter(user=user).order_by("-date_placed")


def order_for(*, user, number):
    order = orders_for(user).filter(number=number).first()
    if order is None:
        raise Http404("No such order")
    return order


def timeline_for(order, progress=None):
    return timelines_for([order], progress_for=lambda orders: {order.pk: progress})[0][1]


def timelines_for(orders, *, progress_for=None):
    """[(order, its timeline)] in the orders' order, each kind of fact read once for all of them,
    so a page of orders costs the same queries as one. `progress_for(orders)`: production's view
    of each, {order id: progress} (none without it)."""
    orders = list(orders)
    if not orders:
        return []
    prefetch_related_objects(orders, "status_changes")
    order_ids = [order.pk for order in orders]
    progress = progress_for(orders) if progress_for else {}
    made_to_order = configurator_selectors.orders_with_configured_lines(order_ids)
    claims = timeline_claims_for_orders(order_ids)
    return [
        (order, build_timeline(
            placed_at=order.date_placed, status=order.status, status_changes=_history(order),
            progress=progress.get(order.pk), made_to_order=order.pk in made_to_order, claims=claims.get(order.pk, ()),
        ))
        for order in orders
    ]  # fmt: skip


def order_cards(orders, *, progress_for=None):
    """`timelines_for` a page of the order list, with the lines its cards count (`num_items`)."""
    orders = list(orders)
    prefetch_related_objects(orders, "lines")
    return timelines_for(orders, progress_for=progress_for)


def _history(order):
    """(new status, when) of the order's status changes, oldest first, from those prefetched."""
    changes = sorted(order.status_changes.all(), key=lambda change: (change.date_created, change.pk))
    return [(change.new_status, change.date_created) for change in changes]


def unread_notifications(user):
    return Notification.objects.filter(recipient=user, location=Notification.INBOX, date_read__isnull=True)


def pending_deletion(user):
    return DeletionRequest.objects.filter(user=user, cancelled_at__isnull=True, erased_at__isnull=True).first()


@dataclass
class Overview:
    orders: list = field(default_factory=list)  # (order, timeline), open ones first
    orders_count: int = 0
    designs: list = field(default_factory=list)
    designs_count: int = 0
    unread_count: int = 0
    latest_notifications: list = field(default_factory=list)
    deletion: object = None
    points: object = None  # loyalty's AccountSummary: balance, tier and the way to the next


def overview(user, *, progress_for=None):
    """`progress_for(orders)`: production's view of each order shown, {order id: progress}."""
    orders = list(orders_for(user)[:20])
    orders.sort(key=lambda order: order.status not in OPEN_STATUSES)  # stable: open first, newest first
    designs = configurator_selectors.designs_for(user)
    unread = unread_notifications(user)
    return Overview(
        orders=timelines_for(orders[:3], progress_for=progress_for),
        orders_count=orders_for(user).count(),
        designs=list(designs[:3]),
        designs_count=designs.count(),
        unread_count=unread.count(),
        latest_notifications=list(unread.order_by("-date_sent")[:3]),
        deletion=pending_deletion(user),
        points=account_summary(user=user),
    )
