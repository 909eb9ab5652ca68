"""What an order means for the customer's points: redeemed on it, earned by it. Read-only."""

from typing import NamedTuple

from oscar.core.loading import get_model

from atelier.orders import OrderStatus

from ..models import PendingEarn, PointsHold


class OrderPoints(NamedTuple):
    redeemed: int  # spent (or still held) on the order's discount, not given back yet
    earned: int  # earned by the order, not taken back yet


def points_of_order(*, order_number):
    """The points a full refund of the order would give back (redeemed) and take back (earned)."""
    hold = (
        PointsHold.objects.filter(
            order_number=order_number, status__in=[PointsHold.Status.HELD, PointsHold.Status.SPENT]
        )
        .order_by("-pk")
        .first()
    )
    pending = PendingEarn.objects.filter(order_number=order_number).first()
    return OrderPoints(
        redeemed=(hold.points - hold.restored_points) if hold else 0,
        earned=(pending.points - pending.reversed_points) if pending else 0,
    )


def cancelled_order(*, order_id):
    """Whether the order is cancelled: a paid one the customer cancelled before production, whose
    points its refund and the cancellation's hold release have settled."""
    Order = get_model("order", "Order")
    return Order.objects.filter(pk=order_id, status=OrderStatus.CANCELLED).exists()
