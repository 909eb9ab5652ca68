"""A small shop of hand-built figures for the ROI tests, in 2022 (the margin shop is in 2021, the
demo's orders nearer today). Every order is one stocked item; its contribution is revenue excl.
tax before discounts − cost − its discount (margin_shop's helpers set the prices and costs).

Reminder "Lapsed customer win-back", window from 1 March 2022 at noon, 7 days:
  reminded (sent): Tia 50.00 on 3 March (100.00 − cost 40.00 − a 10.00 voucher, SPRING10);
                   Tom 30.00 on 5 March (80.00 − 50.00); his 20 March order is outside the window;
                   Tess nothing.
  held out:        Hal 25.35 on 4 March (60.00 − 34.65); Hana nothing.
  treated 80.00 over 3, held out 25.35 over 2: incremental 80.00 − 25.35 × 3 / 2 = 41.975 → 41.98;
  its cost, the voucher Tia used, 10.00: ROI 419.8 %.
Voucher SPRING10: used by Tia alone on 3 March, nobody else of her segment bought that day:
  no control; gross margin 50.00 on 10.00 of discount.
Offer "Bag offer", 10 April: Vic (Loyal) 50.00 (120.00 − 50.00 − 20.00 off); the matched control
  that day, Loyal: Cy 30.00 (70.00 − 40.00) and Cleo 5.00 (50.00 − 45.00); Ari (At risk) 80.00 has
  no treated customer of her segment and counts nowhere. Incremental 50.00 − 35.00 × 1 / 2 =
  32.50; ROI 32.50 / 20.00 = 162.5 %.
Campaign "May double points" (×2 and +100 points an order on bags), May 2022: Kit (Loyal) buys a
  bag on 10 May, 120.00 incl. tax (100.00 − 60.00 = 40.00): 100 + 120 × 1 point a pound × (2 − 1)
  = 220 points, 2.20 at 0.01 a point. Kip (Loyal) buys a mug on 12 May, 20.00 (50.00 − 30.00).
  Incremental 40.00 − 20.00 = 20.00, net 17.80, ROI 17.80 / 2.20 = 809.1 %.
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone
from oscar.core.loading import get_model

from analytics.models import LineCost
from analytics.selectors.margins import Period
from loyalty.models import Campaign, LoyaltyAccount, ProgrammeRules, Segment
from loyalty.reminders.models import ReminderRule, ReminderSend, Trigger
from tests.analytics.margin_shop import _cost, _priced
from tests.factories import CustomerFactory, OrderFactory, StockedProductFactory

Order = get_model("order", "Order")
OrderDiscount = get_model("order", "OrderDiscount")
ProductClass = get_model("catalogue", "ProductClass")

PERIOD = Period(date(2022, 1, 1), date(2022, 6, 30))
SENT_AT = (2022, 3, 1)


@dataclass
class RoiShop:
    rule: object
    campaign: object
    people: dict
    orders: dict


def when(month, day, hour=12):
    return datetime(2022, month, day, hour, 0, tzinfo=timezone.get_current_timezone())


def build_roi_shop():
    rules = ProgrammeRules.current()
    rules.points_per_unit, rules.point_value = Decimal("1.00"), Decimal("0.0100")
    rules.save()
    people = {}
    for name, segment in [
        ("Tia", Segment.LOYAL), ("Tom", Segment.LOYAL), ("Tess", Segment.AT_RISK), ("Hal", Segment.LOYAL),
        ("Hana", Segment.AT_RISK), ("Vic", Segment.LOYAL), ("Cy", Segment.LOYAL), ("Cleo", Segment.LOYAL),
        ("Ari", Segment.AT_RISK), ("Kit", Segment.LOYAL), ("Kip", Segment.LOYAL),
    ]:  # fmt: skip
        person = CustomerFactory(first_name=name, last_name="Roi", email=f"{name.lower()}@roi.example")
        LoyaltyAccount.objects.update_or_create(user=person, defaults={"segment": segment, "tier": None})
        people[name] = person

    bags = ProductClass.objects.create(name="Bag (ROI test)", slug="roi-bag")
    bag = StockedProductFactory(product_class=bags)
    orders = {}

    def order(key, who, placed, *, before, cost, off=Decimal("0.00"), product=None):
        made = OrderFactory(user=people[who], lines=[(product or StockedProductFactory(), 1)], placed=placed)
        LineCost.objects.filter(order=made).delete()
        paid = before - off
        line = _priced(made, before=before, paid=paid, total_incl=paid * Decimal("1.2"), total_excl=paid)
        _cost(line, made, family_slug="", materials_per_unit=cost, materials=[], labour_per_unit=Decimal(0))
        orders[key] = made
        return made

    def discount(made, amount_excl, **names):
        OrderDiscount.objects.create(order=made, amount=amount_excl * Decimal("1.2"), **names)

    rule, _ = ReminderRule.objects.update_or_create(trigger=Trigger.WIN_BACK, defaults={"holdout_percent": 25})
    sent = when(*SENT_AT[1:])
    for who, status in [("Tia", "sent"), ("Tom", "sent"), ("Tess", "sent"), ("Hal", "held_out"), ("Hana", "held_out")]:
        ReminderSend.objects.create(
            rule=rule, user=people[who], dedupe_key=f"win_back:{people[who].pk}:roi", holdout=status == "held_out",
            status=status, created_at=sent, sent_at=sent if status == "sent" else None, window_start=sent,
            window_end=sent + (when(3, 8) - when(3, 1)),
        )  # fmt: skip
    tia = order("tia", "Tia", when(3, 3), before=Decimal("100.00"), cost=Decimal("40.00"), off=Decimal("10.00"))
    discount(tia, Decimal("10.00"), voucher_id=9_001, voucher_code="SPRING10", offer_id=9_101, offer_name="Spring")
    order("tom", "Tom", when(3, 5), before=Decimal("80.00"), cost=Decimal("50.00"))
    order("tom-late", "Tom", when(3, 20), before=Decimal("40.00"), cost=Decimal("10.00"))
    order("hal", "Hal", when(3, 4), before=Decimal("60.00"), cost=Decimal("34.65"))

    vic = order("vic", "Vic", when(4, 10), before=Decimal("120.00"), cost=Decimal("50.00"), off=Decimal("20.00"))
    discount(vic, Decimal("20.00"), offer_id=9_102, offer_name="Bag offer")
    order("cy", "Cy", when(4, 10, 9), before=Decimal("70.00"), cost=Decimal("40.00"))
    order("cleo", "Cleo", when(4, 10, 15), before=Decimal("50.00"), cost=Decimal("45.00"))
    order("ari", "Ari", when(4, 10), before=Decimal("100.00"), cost=Decimal("20.00"))

    campaign = Campaign.objects.create(
        name="May double points", starts_on=date(2022, 5, 1), ends_on=date(2022, 5, 31),
        multiplier=Decimal("2.00"), bonus_points=100, product_class=bags,
    )  # fmt: skip
    order("kit", "Kit", when(5, 10), before=Decimal("100.00"), cost=Decimal("60.00"), product=bag)
    order("kip", "Kip", when(5, 12), before=Decimal("50.00"), cost=Decimal("30.00"))
    return RoiShop(rule=rule, campaign=campaign, people=people, orders=orders)
