"""Reads of the loyalty programme; none writes or imports a service: a customer's summary and
ledger, what their tier gives (workshop weight, free shipping), expiries and tier gaps for the
reminders, the dashboard's distributions, the points a product or basket would earn, what the
checkout may redeem, and the reconcilers' finders (paid orders without points, refunds not reversed).

Everything a customer sees is loaded for the requesting user only. The reads for reminders
(`expiring_points`, `tier_gaps`) are single set-based queries, never a loop over customers.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import ROUND_DOWN, Decimal

from django.db.models import Count, Exists, F, OuterRef, Subquery, Sum
from django.utils import timezone
from oscar.core.loading import get_model

from atelier.orders import PURCHASED

from . import earning
from .models import (
    LedgerEntry,
    LoyaltyAccount,
    PendingEarn,
    PointsHold,
    PointsLot,
    ProgrammeRules,
    RefundApplied,
    Segment,
    Tier,
)

ZERO = Decimal("0.00")
# The site offer that shows redeemed points as a discount (loyalty/offers.py). Its slug lives here
# because offers.py defines proxy models: importing it when the URLconf loads would register them
# with Django's migrations, while Oscar imports it only when it applies offers.
POINTS_OFFER_SLUG = "loyalty-points"


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


def tier_distribution():
    counts = dict(LoyaltyAccount.objects.values_list("tier__name").annotate(n=Count("pk")).order_by())
    return [(t.name, counts.get(t.name, 0)) for t in tiers()]


def segment_distribution():
    counts = dict(LoyaltyAccount.objects.values_list("segment").annotate(n=Count("pk")).order_by())
    return [(label, counts.get(value, 0)) for value, label in Segment.choices]


def _tier_of(user):
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return Tier.objects.filter(accounts__user=user).first()


def points_for_product(*, user, product, amount, today=None):
    """Points `amount` spent on `product` would earn this customer today (rules, campaign, tier)."""
    rules = earning.EarnRules.load(day=today or timezone.localdate(), tier=_tier_of(user))
    points, _ = rules.points([(amount, *earning.product_scope(product))])
    return points


def points_for_basket(*, user, basket, today=None):
    """Points the basket would earn if paid now (after discounts, points included)."""
    rules = earning.EarnRules.load(day=today or timezone.localdate(), tier=_tier_of(user))
    lines = [
        (line.line_price_incl_tax_incl_discounts, *earning.product_scope(line.product))
        for line in basket.all_lines()
        if line.line_price_incl_tax_incl_discounts is not None
    ]
    points, _ = rules.points(lines)
    return points


@dataclass(frozen=True)
class RedemptionOptions:
    available: int
    minimum: int
    maximum: int
    step: int
    held: int
    held_amount: Decimal
    point_value: Decimal

    @property
    def possible(self):
        return self.maximum >= self.minimum and self.maximum > 0


def redemption_options(*, user, basket):
    """What the checkout offers this shopper for this basket (None for guests)."""
    if user is None or not user.is_authenticated:
        return None
    account = account_for(user=user)
    rules = ProgrammeRules.current()
    hold = PointsHold.objects.filter(basket_id=basket.pk, status=PointsHold.Status.HELD).first() if basket.pk else None
    # Points already held for this basket are the shopper's to choose again.
    available = account.available + (hold.points if hold else 0)
    minimum, maximum, step = redeemable(
        basket_total=basket_total_before_points(basket), available=available, rules=rules
    )
    return RedemptionOptions(
        available=available,
        minimum=minimum,
        maximum=maximum,
        step=step,
        held=hold.points if hold else 0,
        held_amount=hold.amount if hold else Decimal("0.00"),
        point_value=rules.point_value,
    )


def redeemable(*, basket_total, available, rules=None):
    """(min, max, step) points the shopper may choose for a basket of `basket_total`."""
    rules = rules or ProgrammeRules.current()
    cap_by_share = int(
        (Decimal(basket_total) * rules.max_redeem_share / rules.point_value).to_integral_value(ROUND_DOWN)
    )
    maximum = min(available, cap_by_share)
    maximum -= maximum % rules.redeem_step
    return rules.min_redeem, maximum, rules.redeem_step


def basket_total_before_points(basket):
    """What the redemption cap is a share of: the basket before every discount, the points' own included."""
    return basket.total_incl_tax_excl_discounts


def points_discount(basket):
    """The points discount Oscar applied to this basket object: what an order placed from it carries."""
    return sum(
        (applied["discount"] for applied in basket.offer_discounts if applied["offer"].slug == POINTS_OFFER_SLUG),
        ZERO,
    )


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
