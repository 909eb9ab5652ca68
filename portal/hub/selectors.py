"""Reads for the hub. Every customer object is loaded with its owner, so another's id is a 404."""

from dataclasses import dataclass, field

from django.http import Http404
from oscar.core.loading import get_model

from atelier.orders import UNPAID, OrderStatus
from care.claims.selectors import timeline_claims
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
    changes = [(change.new_status, change.date_created) for change in order.status_changes.order_by("date_created")]
    return build_timeline(
        placed_at=order.date_placed, status=order.status, status_changes=changes, progress=progress,
        made_to_order=configurator_selectors.has_configured_lines(order), claims=timeline_claims(order.pk),
    )  # fmt: skip


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


def overview(user, *, progress_for=lambda order: None):
    orders = list(orders_for(user).prefetch_related("status_changes")[:20])
    orders.sort(key=lambda order: order.status not in OPEN_STATUSES)  # stable: open first, newest first
    designs = configurator_selectors.designs_for(user)
    unread = unread_notifications(user)
    return Overview(
        orders=[(order, timeline_for(order, progress_for(order))) for order in orders[:3]],
        orders_count=orders_for(user).count(),
        designs=list(designs[:3]),
        designs_count=designs.count(),
        unread_count=unread.count(),
        latest_notifications=list(unread.order_by("-date_sent")[:3]),
        deletion=pending_deletion(user),
        points=account_summary(user=user),
    )
