"""The points a product or a basket would earn if paid now: the product page, the configurator's
quote and the basket show them, by the same rules as a paid order (`loyalty.earning`)."""

import time

from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone
from oscar.core.loading import get_model

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
    product, product_category = get_model("catalogue", "Product"), get_model("catalogue", "ProductCategory")
    for model in (product, product_category):
        for signal in (post_save, post_delete):
            signal.connect(forget_product_scopes, sender=model, dispatch_uid=f"loyalty-product-scope-{signal}-{model}")
    m2m_changed.connect(
        forget_product_scopes, sender=product.categories.through, dispatch_uid="loyalty-product-scope-categories"
    )


def points_for_product(*, user, product, amount, today=None):
    """Points `amount` spent on `product` would earn this customer today (rules, campaign, tier)."""
    rules = _rules_for(user, today)
    points, _ = rules.points([(amount, *earning.product_scope(product))])
    return points


def points_for_product_id(*, user, product_id, amount, today=None):
    """As `points_for_product`, for a product by id (the configurator's live quote): its earning
    scope comes from `product_scope_for`, not the database. 0 for a product that does not exist."""
    scope = product_scope_for(product_id)
    if scope is None:
        return 0
    points, _ = _rules_for(user, today).points([(amount, *scope)])
    return points


# The earning scope of a product (its class and categories, a child's its parent's), read once
# per process and scope version: the live quote asks for it on every option a shopper changes.
# Any save or delete of a product or of its category links, and any change to a product's
# categories, bumps the version in the cache every worker shares (now and after commit).
_SCOPE_VERSION = "loyalty:product-scope:version"
_scopes = {"version": None, "by_product": {}}


def _scope_version():
    cache = _rules_cache()
    version = cache.get(_SCOPE_VERSION)
    if version is None:
        # Never seen (or evicted): a new version, never an old one, so nothing read before is trusted.
        cache.add(_SCOPE_VERSION, time.time_ns(), None)
        version = cache.get(_SCOPE_VERSION)
    return version


def product_scope_for(product_id):
    """(product class id, frozenset of category ids) of a product by id, or None if there is none."""
    version = _scope_version()
    if _scopes["version"] != version:
        _scopes["version"], _scopes["by_product"] = version, {}
    by_product = _scopes["by_product"]
    if product_id not in by_product:
        product = get_model("catalogue", "Product").objects.select_related("parent").filter(pk=product_id).first()
        if product is None:
            by_product[product_id] = None
        else:
            class_id, category_ids = earning.product_scope(product)
            by_product[product_id] = (class_id, frozenset(category_ids))
    return by_product[product_id]


def forget_product_scopes(**kwargs):
    """A product or its categories changed: every process reads the scopes afresh (now, and after commit)."""
    if kwargs.get("raw"):
        return

    def bump():
        _rules_cache().set(_SCOPE_VERSION, time.time_ns(), None)

    bump()
    transaction.on_commit(bump)


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
