"""The demo loyalty programme: tiers, rules, a campaign, and the shoppers' points from their orders.

Points come from the same services a paid order calls, so the demo history is what the shop
would have written; ledger rows are then dated to the orders they came from.
"""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone
from oscar.core.loading import get_model

from atelier.orders import OrderStatus
from loyalty import recompute
from loyalty.models import Campaign, EarnMultiplier, LedgerEntry, ProgrammeRules, Referral, Tier
from loyalty.services import earning, staff, vesting

Order = get_model("order", "Order")
ProductClass = get_model("catalogue", "ProductClass")

TIERS = [
    # code, name, spend over 12 months, earn multiplier, free shipping, production weight, early access days
    ("member", "Member", "0", "1.00", False, 1, 0),
    ("silver", "Silver", "500", "1.25", False, 2, 0),
    ("gold", "Gold", "1500", "1.50", True, 3, 3),
    ("platinum", "Platinum", "4000", "2.00", True, 5, 7),
]


def load_tiers():
    created = 0
    for code, name, spend, multiplier, free_shipping, weight, early in TIERS:
        _, made = Tier.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "min_spend_12m": Decimal(spend),
                "earn_multiplier": Decimal(multiplier),
                "free_shipping": free_shipping,
                "production_weight": weight,
                "early_access_days": early,
            },
        )
        created += made
    return created


def load_rules():
    created = 0
    if not ProgrammeRules.objects.exists():
        ProgrammeRules.current()
        created += 1
    printed = ProductClass.objects.filter(name__icontains="print").first()
    if printed and not EarnMultiplier.objects.filter(product_class=printed).exists():
        EarnMultiplier.objects.create(product_class=printed, multiplier=Decimal("2.00"))
        created += 1
    today = timezone.localdate()
    if not Campaign.objects.filter(name="Winter double points").exists():
        staff.save_campaign(
            campaign=Campaign(
                name="Winter double points",
                starts_on=today - timedelta(days=3),
                ends_on=today + timedelta(days=25),
                multiplier=Decimal("2.00"),
                bonus_points=0,
            )
        )
        created += 1
    return created


def load_history():
    """Each demo order's points, as the paid-order task would have written them."""
    created = 0
    orders = Order.objects.filter(number__startswith="DEMO-", user__isnull=False).order_by("date_placed")
    for order in orders:
        if LedgerEntry.objects.filter(reference=order.number).exists():
            continue
        placed = timezone.localdate(order.date_placed)
        earning.earn_for_order(order_id=order.pk, today=placed)
        if order.status == OrderStatus.DELIVERED:
            vesting.vest_order(order_number=order.number, today=placed + timedelta(days=7))
        LedgerEntry.objects.filter(reference=order.number).update(created=order.date_placed)
        created += 1
    _refer_chloe()
    vesting.expire_due()
    recompute.recompute_all()
    return created


def _refer_chloe():
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(email__in=["ada@example.com", "chloe@example.com"])
    by_email = {u.email: u for u in users}
    if len(by_email) == 2 and not Referral.objects.filter(friend=by_email["chloe@example.com"]).exists():
        Referral.objects.create(referrer=by_email["ada@example.com"], friend=by_email["chloe@example.com"])
