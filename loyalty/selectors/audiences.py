"""The customers a reminder rule asks for (`loyalty.reminders.triggers`): points about to expire,
spend close to the next tier. Each is a single set-based query, never a loop over customers."""

from datetime import timedelta
from decimal import Decimal

from django.db.models import F, OuterRef, Subquery, Sum
from django.utils import timezone

from ..models import LoyaltyAccount, PointsLot, Tier


def expiring_points(*, within_days, today=None):
    """(user_id, points, expires_on) rows for points that expire in the next `within_days` days."""
    today = today or timezone.localdate()
    return (
        PointsLot.objects.filter(remaining__gt=0, expires_on__gt=today, expires_on__lte=today + timedelta(within_days))
        .values("expires_on", user_id=F("account__user_id"))
        .annotate(points=Sum("remaining"))
        .order_by("expires_on", "user_id")
    )


def tier_gaps(*, within_amount):
    """(user_id, next_tier, amount_short) for customers within `within_amount` of their next tier."""
    within_amount = Decimal(within_amount)
    next_tier = Tier.objects.filter(min_spend_12m__gt=OuterRef("spend_12m")).order_by("min_spend_12m")
    return (
        LoyaltyAccount.objects.annotate(
            next_tier=Subquery(next_tier.values("name")[:1]),
            next_threshold=Subquery(next_tier.values("min_spend_12m")[:1]),
        )
        .filter(next_threshold__isnull=False, next_threshold__lte=F("spend_12m") + within_amount)
        .annotate(amount_short=F("next_threshold") - F("spend_12m"))
        .values("user_id", "next_tier", "amount_short")
        .order_by("user_id")
    )
