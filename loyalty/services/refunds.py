"""A refund takes back the points its share of the order earned and gives back its share of the
points redeemed on it: once per refund, never leaving a balance negative."""

import logging
import math
from decimal import Decimal

from django.db import transaction
from oscar.core.loading import get_model

from ..ledger import PENDING, PointsRefused, credit_available, debit_available, locked_account, post
from ..models import LedgerEntry, PendingEarn, PointsHold, RefundApplied
from . import referrals

logger = logging.getLogger(__name__)
Kind, Source = LedgerEntry.Kind, LedgerEntry.Source
CENT = Decimal("0.01")


def reverse_for_refund(*, order_id, amount, refund_reference):
    """A refund takes back the points its share of the order earned, and gives back its share of
    the points redeemed on it. Idempotent per refund; never leaves a balance negative.

    Points still pending are taken first; what was already spent cannot be taken back, and
    the shortfall is written in the ledger row's reason. A refund in full of the order that
    earned a referral bonus takes that bonus back from both sides (`referrals.take_back_for_refund`).
    """
    order = get_model("order", "Order").objects.select_related("user").get(pk=order_id)
    amount = Decimal(amount).quantize(CENT)
    if amount <= 0:
        raise PointsRefused("A refund amount must be more than zero.")
    if order.user_id is None:
        return None
    with transaction.atomic():
        account = locked_account(order.user_id)
        if RefundApplied.objects.filter(order_number=order.number, refund_reference=refund_reference).exists():
            return None
        RefundApplied.objects.create(order_number=order.number, refund_reference=refund_reference, amount=amount)
        refunded = sum(RefundApplied.objects.filter(order_number=order.number).values_list("amount", flat=True))
        _restore_redeemed(account, order, refunded, refund_reference)
        _reverse_earned(account, order, refunded, refund_reference)
        referrals.take_back_for_refund(order=order, refunded=refunded, friend_account=account)
        return account


def _share(points, refunded, paid):
    if paid <= 0:
        return points
    return math.floor(Decimal(points) * min(Decimal(1), refunded / paid))


def _restore_redeemed(account, order, refunded, refund_reference):
    hold = PointsHold.objects.select_for_update().filter(order_number=order.number, status="spent").first()
    if hold is None:
        return
    # The money refunded is a share of what was paid in money; the same share of points comes back.
    due = _share(hold.points, refunded, order.total_incl_tax) - hold.restored_points
    if due > 0:
        credit_available(
            account, kind=Kind.REVERSE, source=Source.ORDER, points=due,
            reason=f"Refund on order {order.number}: redeemed points returned",
            key=f"restore:order:{order.number}:{refund_reference}", reference=order.number,
        )  # fmt: skip
        hold.restored_points += due
        hold.save(update_fields=["restored_points"])


def _reverse_earned(account, order, refunded, refund_reference):
    pending = PendingEarn.objects.select_for_update().filter(order_number=order.number).first()
    if pending is None:
        return
    due = _share(pending.points, refunded, pending.paid_total) - pending.reversed_points
    if due <= 0:
        return
    key = f"reverse:order:{order.number}:{refund_reference}"
    from_pending = min(due, pending.remaining) if not pending.vested else 0
    if from_pending:
        post(
            account, kind=Kind.REVERSE, source=Source.ORDER, bucket=PENDING, points=-from_pending,
            reason=f"Refund on order {order.number}", key=f"{key}:pending", reference=order.number,
        )  # fmt: skip
        pending.remaining -= from_pending
    from_available = min(due - from_pending, account.available)
    shortfall = due - from_pending - from_available
    if from_available:
        reason = f"Refund on order {order.number}"
        if shortfall:
            reason += f" ({shortfall} already spent, not taken)"
        debit_available(
            account, kind=Kind.REVERSE, source=Source.ORDER, points=from_available, reason=reason, key=key,
            reference=order.number,
        )  # fmt: skip
    elif shortfall:
        logger.info("Refund %s on order %s: %s points already spent", refund_reference, order.number, shortfall)
    pending.reversed_points += due
    pending.save(update_fields=["remaining", "reversed_points"])
