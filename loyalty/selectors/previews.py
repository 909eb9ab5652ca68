"""The points a product or a basket would earn if paid now: the product page, the configurator's
quote and the basket show them, by the same rules as a paid order (`loyalty.earning`)."""

from django.utils import timezone

from .. import earning
from ..models import LoyaltyAccount


def _rules_for(user, today):
    """The earning rules for the user's tier and value class (one query), a guest's without."""
    account = None
    if user is not None and getattr(user, "is_authenticated", False):
        account = LoyaltyAccount.objects.select_related("tier").filter(user=user).first()
    return earning.EarnRules.load(
        day=today or timezone.localdate(),
        tier=account.tier if account else None,
        value_class=account.value_class if account else None,
    )


def points_for_product(*, user, product, amount, today=None):
    """Points `amount` spent on `product` would earn this customer today (rules, campaign, tier)."""
    rules = _rules_for(user, today)
    points, _ = rules.points([(amount, *earning.product_scope(product))])
    return points


def points_for_basket(*, user, basket, today=None):
    """Points the basket would earn if paid now (after discounts, points included)."""
    rules = _rules_for(user, today)
    lines = [
        (line.line_price_incl_tax_incl_discounts, *earning.product_scope(line.product))
        for line in basket.all_lines()
        if line.line_price_incl_tax_incl_discounts is not None
    ]
    points, _ = rules.points(lines)
    return points
