"""What the checkout may redeem for a basket (the same bounds `services.holds` checks when it
sets points aside), and the points discount Oscar applied to a basket."""

from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from ..models import PointsHold, ProgrammeRules
from .accounts import ZERO, account_for

# The site offer that shows redeemed points as a discount (loyalty/offers.py). Its slug lives here
# because offers.py defines proxy models: importing it when the URLconf loads would register them
# with Django's migrations, while Oscar imports it only when it applies offers.
POINTS_OFFER_SLUG = "loyalty-points"


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
