"""The points a product or a basket would earn if paid now: the product page, the configurator's
quote and the basket show them, by the same rules as a paid order (`loyalty.earning`)."""

from django.utils import timezone

from .. import earning
from ..models import Tier


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
