"""What a work center costs per hour, kept by planners on the board. Analytics freezes it into
each order line's labour cost at purchase, so a change prices the orders to come only."""

from decimal import Decimal, InvalidOperation

from django.db import transaction

from ..models import WorkCenter
from .audit import record_event
from .floor import ProductionActionError

# max_digits=10, decimal_places=2 on the field: below a hundred million.
MAX_RATE = Decimal("99999999.99")


def parse_rate(text):
    """A rate per hour from a planner's words ("42", "42.50", "42,50"); ProductionActionError
    for anything that is not an amount from 0 to MAX_RATE with at most two decimals."""
    cleaned = (text or "").strip().replace(",", ".")
    try:
        rate = Decimal(cleaned)
    except InvalidOperation:
        raise ProductionActionError("Give the rate per hour as an amount, such as 42.50.") from None
    if not rate.is_finite() or rate < 0 or rate > MAX_RATE or rate != rate.quantize(Decimal("0.01")):
        raise ProductionActionError("A rate per hour is an amount from 0 with at most two decimals, such as 42.50.")
    return rate.quantize(Decimal("0.01"))


def set_work_center_rate(*, work_center, rate, user):
    """Set a work center's rate per hour (already parsed) and record who changed it from what.
    Setting the rate it has changes and records nothing (a double submit). Returns whether it changed."""
    with transaction.atomic():
        current = WorkCenter.objects.select_for_update().get(pk=work_center.pk)
        if current.rate_per_hour == rate:
            return False
        WorkCenter.objects.filter(pk=current.pk).update(rate_per_hour=rate)
        record_event(
            kind="rate",
            description=f"{current} costs {rate} an hour (was {current.rate_per_hour}), by {_who(user)}",
            user=user,
        )
    work_center.rate_per_hour = rate
    return True


def _who(user):
    return user.get_full_name() or user.get_username()
