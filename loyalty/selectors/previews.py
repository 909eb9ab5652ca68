"""The points a product or a basket would earn if paid now: the product page, the configurator's
quote and the basket show them, by the same rules as a paid order (`loyalty.earning`)."""

import time

from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from .. import earning
from ..models import Campaign, EarnMultiplier, LoyaltyAccount, ProgrammeRules, Tier

# The rules a preview reads, kept per day, tier and value class in the cache every worker shares:
# every product page shows a preview, and the rules change only when staff edit them.
RULES_SECONDS = 300
_RULES_VERSION = "loyalty:preview-rules:version"


def _rules_cache():
    return caches["storefront"]


def _rules_for(user, today):
    """The earning rules for the user's tier and value class (one query), a guest's without (none)."""
    account = None
    if user is not None and getattr(user, "is_authenticated", False):
        account = LoyaltyAccount.objects.select_related("tier").filter(user=user).first()
    day = today or timezone.localdate()
    tier = account.tier if account else None
    value_class = account.value_class if account else None
    cache = _rules_cache()
    version = cache.get(_RULES_VERSION) or 0
    key = f"loyalty:preview-rules:{version}:{day.isoformat()}:{tier.pk if tier else ''}:{value_class or ''}"
    rules = cache.get(key)
    if rules is None:
        rules = earning.EarnRules.load(day=day, tier=tier, value_class=value_class)
        cache.set(key, rules, RULES_SECONDS)
    return rules


def forget_preview_rules(**kwargs):
    """Staff changed a rule, campaign, multiplier or tier: previews read the rules afresh (now, and
    after commit, so a preview read between the two from the old rows is not kept)."""

    def bump():
        _rules_cache().set(_RULES_VERSION, time.time_ns(), None)

    bump()
    transaction.on_commit(bump)


def connect():
    for model in (Campaign, EarnMultiplier, ProgrammeRules, Tier):
        for signal in (post_save, post_delete):
            signal.connect(forget_preview_rules, sender=model, dispatch_uid=f"loyalty-preview-rules-{signal}-{model}")


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
