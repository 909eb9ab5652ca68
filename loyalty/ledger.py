"""Posting to the ledger: the only code that changes balances and lots.

Every caller holds the account row locked (`locked_account`) inside a transaction, so a
balance is read, checked and written by one transaction at a time; the check constraints on
the account are the last line of defence (a bug would raise, never overspend).
"""

from datetime import date
from decimal import Decimal, InvalidOperation

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from .bookkeeping import lock_or_create
from .models import LedgerEntry, LoyaltyAccount, PointsLot, ProgrammeRules

AVAILABLE, PENDING = LedgerEntry.Bucket.AVAILABLE, LedgerEntry.Bucket.PENDING


class PointsRefused(Exception):
    """A clear, customer- or staff-readable reason why points were not moved."""


def whole_points(value, *, allow_negative=False):
    """An int from a form or a caller, refusing fractions, zero, booleans and (by default) negatives."""
    if isinstance(value, bool):
        raise PointsRefused("Points must be a whole number.")
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as error:
        raise PointsRefused("Points must be a whole number.") from error
    if not number.is_finite() or number != number.to_integral_value():
        raise PointsRefused("Points must be a whole number.")
    points = int(number)
    if points == 0:
        raise PointsRefused("Points must not be zero.")
    if points < 0 and not allow_negative:
        raise PointsRefused("Points must be more than zero.")
    return points


def locked_account(user_id):
    """The user's account row, created if missing, locked until the transaction ends."""
    return lock_or_create(LoyaltyAccount, user_id=user_id)


def already_posted(key):
    return LedgerEntry.objects.filter(idempotency_key=key).exists()


def post(account, *, kind, source, points, reason, key, bucket=AVAILABLE, reference="", created_by=None):
    """Add one ledger row and move the account's balance with it. `account` must be locked."""
    field = "available" if bucket == AVAILABLE else "pending"
    balance = getattr(account, field) + points
    if balance < 0:
        raise PointsRefused(f"Only {getattr(account, field)} {field} points: cannot take {-points}.")
    entry = LedgerEntry.objects.create(
        account=account,
        kind=kind,
        source=source,
        bucket=bucket,
        points=points,
        reason=reason[:255],
        reference=str(reference)[:64],
        idempotency_key=key,
        created_by=created_by,
    )
    setattr(account, field, balance)
    account.save(update_fields=[field])
    return entry


def add_lot(account, entry, *, available_on: date, expires_on: date):
    return PointsLot.objects.create(
        account=account,
        entry=entry,
        points=entry.points,
        remaining=entry.points,
        available_on=available_on,
        expires_on=expires_on,
    )


def take_from_lots(account, points):
    """Consume `points` from the account's lots, soonest to expire first. Returns [(lot_id, n)]."""
    taken, needed = [], points
    for lot in (
        PointsLot.objects.select_for_update().filter(account=account, remaining__gt=0).order_by("expires_on", "pk")
    ):
        if needed == 0:
            break
        n = min(lot.remaining, needed)
        lot.remaining -= n
        lot.save(update_fields=["remaining"])
        taken.append([lot.pk, n])
        needed -= n
    return taken


def credit_available(account, *, kind, source, points, reason, key, reference="", created_by=None, today=None):
    """Available points with their own lot, expiring after the programme's months. `account` must be locked."""
    today = today or timezone.localdate()
    entry = post(
        account, kind=kind, source=source, points=points, reason=reason, key=key, reference=reference,
        created_by=created_by,
    )  # fmt: skip
    add_lot(
        account,
        entry,
        available_on=today,
        expires_on=today + relativedelta(months=ProgrammeRules.current().expiry_months),
    )
    return entry


def debit_available(account, *, kind, source, points, reason, key, reference="", created_by=None):
    """Take `points` off the available balance and its lots, soonest to expire first; refused when
    fewer are available. Returns (entry, [(lot_id, n)]). `account` must be locked."""
    if points > account.available:
        raise PointsRefused(f"Only {account.available} points are available: cannot take {points}.")
    taken = take_from_lots(account, points)
    entry = post(
        account, kind=kind, source=source, points=-points, reason=reason, key=key, reference=reference,
        created_by=created_by,
    )  # fmt: skip
    return entry, taken


def return_to_lots(taken):
    for lot_id, n in taken:
        lot = PointsLot.objects.select_for_update().get(pk=lot_id)
        lot.remaining = min(lot.points, lot.remaining + n)
        lot.save(update_fields=["remaining"])
