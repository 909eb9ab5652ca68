"""A customer's account, summary and ledger, what their tier gives (workshop weight, free
shipping), and the dashboard's tier and segment distributions."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count

from ..models import LedgerEntry, LoyaltyAccount, ProgrammeRules, Segment, Tier

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class AccountSummary:
    available: int
    pending: int
    tier: str
    next_tier: str | None
    spend_12m: Decimal
    spend_to_next: Decimal
    progress: float  # 0..1 of the way from this tier's threshold to the next's
    segment: str
    benefits: list = field(default_factory=list)
    point_value: Decimal = Decimal("0.01")
    value_class: str = ""  # premium, major... written nightly by the analytics app

    @property
    def available_value(self):
        return (self.point_value * self.available).quantize(Decimal("0.01"))


def tiers():
    return list(Tier.objects.order_by("min_spend_12m"))


def account_for(*, user):
    """The user's account, or an unsaved empty one (nothing is written by a read)."""
    account = LoyaltyAccount.objects.select_related("tier").filter(user=user).first()
    return account or LoyaltyAccount(user=user)


def account_summary(*, user):
    account = account_for(user=user)
    ordered = tiers()
    tier = account.tier or (ordered[0] if ordered else None)
    higher = [t for t in ordered if tier is None or t.min_spend_12m > tier.min_spend_12m]
    following = higher[0] if higher else None
    spend = account.spend_12m or ZERO
    if following is None:
        to_next, progress = ZERO, 1.0
    else:
        floor = tier.min_spend_12m if tier else ZERO
        span = following.min_spend_12m - floor
        to_next = max(ZERO, following.min_spend_12m - spend)
        progress = float(min(1, max(0, (spend - floor) / span))) if span > 0 else 1.0
    return AccountSummary(
        available=account.available,
        pending=account.pending,
        tier=tier.name if tier else "Member",
        next_tier=following.name if following else None,
        spend_12m=spend,
        spend_to_next=to_next,
        progress=progress,
        segment=account.segment,
        value_class=account.value_class,
        benefits=[str(b) for b in tier.benefits()] if tier else [],
        point_value=ProgrammeRules.current().point_value,
    )


def ledger_for(*, user):
    """The user's ledger entries, newest first (only theirs: filtered by the requesting user)."""
    return LedgerEntry.objects.filter(account__user=user).order_by("-created", "-pk")


def production_weight(*, user_id):
    """Priority weight for the workshop from the customer's tier (1 for none)."""
    weight = (
        LoyaltyAccount.objects.filter(user_id=user_id, tier__isnull=False)
        .values_list("tier__production_weight", flat=True)
        .first()
    )
    return int(weight or 1)


def has_free_shipping(*, user):
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return LoyaltyAccount.objects.filter(user=user, tier__free_shipping=True).exists()


def tier_distribution():
    counts = dict(LoyaltyAccount.objects.values_list("tier__name").annotate(n=Count("pk")).order_by())
    return [(t.name, counts.get(t.name, 0)) for t in tiers()]


def segment_distribution():
    counts = dict(LoyaltyAccount.objects.values_list("segment").annotate(n=Count("pk")).order_by())
    return [(label, counts.get(value, 0)) for value, label in Segment.choices]
