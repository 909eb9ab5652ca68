"""Reads of the analytics app; none writes."""

from datetime import timedelta

from django.db.models import Exists, OuterRef
from django.utils import timezone
from oscar.core.loading import get_model

from atelier.orders import PURCHASED, OrderStatus

from ..models import LineCost


def orders_missing_line_costs(*, within=timedelta(days=30), limit=200):
    """Ids of orders paid in the last `within` (by placing date) with a line that has no cost
    frozen: the task that freezes them was lost. An order refunded since still had its costs,
    so it counts; one cancelled before payment never did."""
    Line = get_model("order", "Line")
    uncosted = Line.objects.filter(order=OuterRef("pk")).exclude(Exists(LineCost.objects.filter(line=OuterRef("pk"))))
    Order = get_model("order", "Order")
    return list(
        Order.objects.filter(status__in=[*PURCHASED, OrderStatus.REFUNDED], date_placed__gte=timezone.now() - within)
        .filter(Exists(uncosted))
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )


def costs_of_order(order_id):
    """An order's line costs, by line."""
    return LineCost.objects.filter(order_id=order_id).order_by("line_id")
