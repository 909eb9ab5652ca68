"""Points redeemed at checkout, shown as a discount through Oscar's offer machinery.

One site offer (`ensure_points_offer`) with a custom condition and benefit: the condition
holds when the basket has points set aside (`PointsHold`), the benefit takes the held amount
off the basket's lines. Oscar then shows it in the basket and checkout totals and records it
on the order as an order discount, like any offer.
"""

from decimal import Decimal

from django.db import transaction
from oscar.core.loading import get_class, get_model

from .models import PointsHold
from .selectors.redemption import POINTS_OFFER_SLUG

Condition = get_model("offer", "Condition")
ConditionalOffer = get_model("offer", "ConditionalOffer")
Range = get_model("offer", "Range")
Benefit = get_model("offer", "Benefit")
AbsoluteDiscountBenefit = get_class("offer.benefits", "AbsoluteDiscountBenefit")

OFFER_NAME = "Points redeemed"


def _held(basket):
    if not basket.pk:
        return None
    cache = getattr(basket, "_loyalty_hold", False)
    if cache is False:
        cache = PointsHold.objects.filter(basket_id=basket.pk, status=PointsHold.Status.HELD).first()
        basket._loyalty_hold = cache
    return cache


class PointsHeldCondition(Condition):
    """Met by a basket that has points set aside for it."""

    name = description = "The basket has points set aside"

    class Meta:
        proxy = True
        app_label = "loyalty"

    def is_satisfied(self, offer, basket):
        return _held(basket) is not None

    def is_partially_satisfied(self, offer, basket):
        return False

    def consume_items(self, offer, basket, affected_lines):
        return  # points take nothing away from other offers


class PointsDiscountBenefit(AbsoluteDiscountBenefit):
    """Takes the held points' value off the basket (never more than the basket)."""

    name = description = "Points redeemed"

    class Meta:
        proxy = True
        app_label = "loyalty"

    def apply(self, basket, condition, offer, **kwargs):
        hold = _held(basket)
        amount = hold.amount if hold else Decimal("0.00")
        return super().apply(basket, condition, offer, discount_amount=amount, **kwargs)


def ensure_points_offer():
    """Create the site offer if missing. Idempotent; called after every migrate."""
    with transaction.atomic():
        if ConditionalOffer.objects.filter(slug=POINTS_OFFER_SLUG).exists():
            return False
        everything, _ = Range.objects.get_or_create(
            slug="loyalty-everything", defaults={"name": "Everything (points)", "includes_all_products": True}
        )
        condition = Condition.objects.create(proxy_class=f"{__name__}.PointsHeldCondition", range=everything)
        benefit = Benefit.objects.create(proxy_class=f"{__name__}.PointsDiscountBenefit", range=everything)
        ConditionalOffer.objects.create(
            name=OFFER_NAME,
            slug=POINTS_OFFER_SLUG,
            description="Loyalty points the shopper chose to spend on this order.",
            offer_type=ConditionalOffer.SITE,
            condition=condition,
            benefit=benefit,
            exclusive=False,
            priority=-100,  # after every other offer: points pay part of what is left
            max_basket_applications=1,
        )
        return True
