"""Points change state with time: an order's pending points become available (delivered, or the
waiting period over), and available points expire, lot by lot, after the programme's months."""

import logging

from django.db import transaction
from django.utils import timezone

from ..ledger import PENDING, credit_available, locked_account, post
from ..models import LedgerEntry, PendingEarn, PointsLot
from .order_notes import note_job_failure

logger = logging.getLogger(__name__)
Kind, Source = LedgerEntry.Kind, LedgerEntry.Source


def vest_order(*, order_number, today=None):
    """The order's pending points become available (delivered, or waited long enough). Idempotent."""
    today = today or timezone.localdate()
    pending = PendingEarn.objects.filter(order_number=order_number).first()
    if pending is None:
        return None
    with transaction.atomic():
        account = locked_account(pending.account.user_id)
        pending = PendingEarn.objects.select_for_update().get(pk=pending.pk)
        if pending.vested:
            return pending
        if pending.remaining:
            post(
                account, kind=Kind.VEST, source=Source.ORDER, bucket=PENDING, points=-pending.remaining,
                reason=f"Order {order_number}: now available", key=f"vest:order:{order_number}:pending",
                reference=order_number,
            )  # fmt: skip
            credit_available(
                account, kind=Kind.VEST, source=Source.ORDER, points=pending.remaining,
                reason=f"Order {order_number}: now available", key=f"vest:order:{order_number}",
                reference=order_number, today=today,
            )  # fmt: skip
        pending.vested = True
        pending.save(update_fields=["vested"])
        return pending


def vest_due(*, today=None):
    """Beat: pending order points whose waiting period is over become available.

    Each order on its own: one that fails is logged and noted on the order once, the others vest."""
    today = today or timezone.localdate()
    numbers = PendingEarn.objects.filter(vested=False, available_on__lte=today).values_list("order_number", flat=True)
    vested = 0
    for number in list(numbers.order_by("pk")):
        try:
            vested += bool(vest_order(order_number=number, today=today))
        except Exception as error:  # noqa: BLE001 -- one order's failure must not stop the others
            note_job_failure(number, "making its pending points available", error)
    return vested


def expire_due(*, today=None):
    """Beat: points past their expiry date are taken off, one ledger row per lot. Idempotent.

    Each lot in its own transaction: one that fails is logged and the others expire."""
    today = today or timezone.localdate()
    lots = PointsLot.objects.filter(remaining__gt=0, expires_on__lte=today).values_list("pk", "account__user_id")
    expired = 0
    for lot_id, user_id in list(lots.order_by("pk")):
        try:
            expired += _expire_lot(lot_id, user_id)
        except Exception:  # one lot's failure must not stop the others
            logger.exception("Expiring points lot %s of customer %s failed", lot_id, user_id)
    return expired


def _expire_lot(lot_id, user_id):
    with transaction.atomic():
        account = locked_account(user_id)
        lot = PointsLot.objects.select_for_update().get(pk=lot_id)
        if lot.remaining == 0:
            return 0
        points = lot.remaining
        lot.remaining = 0
        lot.save(update_fields=["remaining"])
        post(
            account, kind=Kind.EXPIRE, source=Source.PROGRAMME, points=-points,
            reason=f"Expired (earned {lot.available_on:%d %b %Y})", key=f"expire:lot:{lot.pk}",
        )  # fmt: skip
        return points
