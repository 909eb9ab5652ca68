"""How many points an amount earns: the staff's rules applied to a line, an order or a quote.

points = floor(Σ line amount × points per £ × family/category multiplier × campaign
multiplier × tier multiplier) + campaign bonuses. The family/category multiplier is the
largest that matches (they do not stack); one campaign per scope can be active at a time
(overlapping conflicting campaigns are refused), and the largest matching one applies.
A tier with early access sees a campaign that many days before it starts. A campaign for chosen
value classes (premium, major...) counts only for their customers.
"""

import math
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Q

from .models import Campaign, EarnMultiplier, ProgrammeRules, Tier

ONE = Decimal("1")


@dataclass
class EarnRules:
    points_per_unit: Decimal
    multipliers: list  # EarnMultiplier rows
    campaigns: list  # Campaign rows in force on the day (for this tier)
    tier_multiplier: Decimal

    @classmethod
    def load(cls, *, day: date, tier: Tier | None, value_class: str | None = None):
        """The rules in force on `day` for a customer of `tier` and `value_class` (a campaign for
        some value classes only counts for them; None, a guest or a preview without an account,
        sees only the campaigns for everyone)."""
        early = timedelta(days=tier.early_access_days if tier else 0)
        campaigns = [
            campaign
            for campaign in Campaign.objects.filter(
                Q(active=True), starts_on__lte=day + early, ends_on__gte=day
            ).order_by("pk")
            if campaign.is_for(value_class)
        ]
        return cls(
            points_per_unit=ProgrammeRules.current().points_per_unit,
            multipliers=list(EarnMultiplier.objects.all()),
            campaigns=campaigns,
            tier_multiplier=tier.earn_multiplier if tier else ONE,
        )

    @staticmethod
    def _matches(rule, product_class_id, category_ids):
        if rule.product_class_id and rule.product_class_id != product_class_id:
            return False
        return not (rule.category_id and rule.category_id not in category_ids)

    def campaigns_for(self, product_class_id, category_ids):
        return [c for c in self.campaigns if self._matches(c, product_class_id, category_ids)]

    def line_factor(self, product_class_id, category_ids):
        family = max(
            (m.multiplier for m in self.multipliers if self._matches(m, product_class_id, category_ids)), default=ONE
        )
        campaign = max((c.multiplier for c in self.campaigns_for(product_class_id, category_ids)), default=ONE)
        return self.points_per_unit * family * campaign * self.tier_multiplier

    def points(self, lines):
        """`lines`: (amount, product_class_id, category_ids). Returns (points, names of campaigns used)."""
        raw, used = Decimal("0"), {}
        for amount, product_class_id, category_ids in lines:
            raw += Decimal(amount) * self.line_factor(product_class_id, set(category_ids))
            for campaign in self.campaigns_for(product_class_id, set(category_ids)):
                used[campaign.pk] = campaign
        bonus = sum(c.bonus_points for c in used.values())
        return max(0, math.floor(raw)) + bonus, [c.name for c in used.values()]


def product_scope(product):
    """(product class id, category ids) of a product, a child reading its parent's."""
    parent = product.parent if getattr(product, "parent_id", None) else product
    # all(): the product page has prefetched them; elsewhere it is the one query it was.
    return parent.product_class_id, {category.pk for category in parent.categories.all()}


def order_lines(order):
    lines = []
    for line in order.lines.select_related("product", "product__parent"):
        if line.product is None:
            lines.append((line.line_price_incl_tax, None, set()))
        else:
            lines.append((line.line_price_incl_tax, *product_scope(line.product)))
    return lines
