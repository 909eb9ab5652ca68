"""The reconcilers' finders (`portal/reconcile.py`): what a lost task left undone, paid orders
without points and refunds whose points were never taken back."""

from datetime import timedelta

from django.db.models import Exists, OuterRef
from django.utils import timezone
from oscar.core.loading import get_model

from atelier.orders import PURCHASED

from ..models import PendingEarn, RefundApplied


def paid_orders_without_points(*, within=timedelta(days=30)):
    """Ids of recent paid customer orders with no points recorded: their points task was lost.

    By the status now, deliberately: an order refunded or cancelled since it was paid earns
    nothing (a refund found no points to take back), unlike its confirmation email, which is due
    whatever happened next."""
    Order = get_model("order", "Order")
    return list(
        Order.objects.filter(status__in=PURCHASED, user__isnull=False, date_placed__gte=timezone.now() - within)
        .exclude(number__in=PendingEarn.objects.values("order_number"))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def refunds_without_reversal(*, within=timedelta(days=30), limit=200):
    """(order id, amount, refund reference) of refunds on customers' orders in the last `within`
    whose points were never reversed (no RefundApplied): the reversal was lost on its way."""
    Transaction = get_model("payment", "Transaction")
    reversed_already = RefundApplied.objects.filter(
        order_number=OuterRef("source__order__number"), refund_reference=OuterRef("reference")
    )
    return list(
        Transaction.objects.filter(
            txn_type=Transaction.REFUND,
            source__order__user__isnull=False,
            date_created__gte=timezone.now() - within,
        )
        .exclude(Exists(reversed_already))
        .order_by("pk")
        .values_list("source__order_id", "amount", "reference")[:limit]
    )
