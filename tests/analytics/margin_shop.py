"""A small shop of hand-built figures for the margin tests (and the browser walk), in March and
April 2021, a period the demo's orders never reach.

Ada (Loyal, the top tier) bought ten totes on 3 March: listed at 200.00 excl. tax, paid 180.00
after a 5.00 voucher and 1,800 points worth 18.00 incl. tax (15.00 excl.); their cost 9.70 a
bag (materials 7.20, the actual labour 2.50 once finished), 97.00; 24.00 refunded (20.00 excl.);
two bags remade (2 x 9.70 = 19.40). Her contribution: 200 - 97 - 5 - 15 - 20 - 19.40 = 43.60.

Ben (At risk, no tier) bought ten totes on 10 April at 190.00 (cost 10.15 a bag with the planned
labour, 101.50) and a stocked item on 12 April at 25.00 whose cost is unknown (no unit cost).

Each tote's share (per bag): the base costs 5.20 and lists at 18.00, both sides 1.40 at 5.00, the
printed text 0.60 at nothing: the choice that loses money.
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone
from oscar.core.loading import get_model

from analytics.models import LineCost
from analytics.selectors.margins import Period
from loyalty.models import LoyaltyAccount, PointsHold, Segment, Tier
from production.models import Plant, WorkOrder
from tests.factories import CustomerFactory, OrderFactory, StockedProductFactory

Line = get_model("order", "Line")
Order = get_model("order", "Order")
Source = get_model("payment", "Source")

PERIOD = Period(date(2021, 3, 1), date(2021, 4, 30))
TOTE = ("printed-tote", {"print_text": "Hello", "ink": "clay", "sides": "both"}, 10)
SHARES = [
    {"option": "base", "value": None, "cost": "5.20", "price": "18.00"},
    {"option": "sides", "value": "both", "cost": "1.40", "price": "5.00"},
    {"option": "print_text", "value": "Hello", "cost": "0.60", "price": "0"},
]


@dataclass
class Shop:
    ada: object
    ben: object
    first: object  # Ada's totes
    second: object  # Ben's totes
    third: object  # Ben's stocked item


def _when(day, month):
    return datetime(2021, month, day, 12, 0, tzinfo=timezone.get_current_timezone())


def _priced(order, *, before, paid, total_incl, total_excl):
    line = order.lines.get()
    Line.objects.filter(pk=line.pk).update(
        line_price_before_discounts_excl_tax=before,
        line_price_excl_tax=paid,
        line_price_before_discounts_incl_tax=before * Decimal("1.2"),
        line_price_incl_tax=paid * Decimal("1.2"),
    )
    Order.objects.filter(pk=order.pk).update(total_incl_tax=total_incl, total_excl_tax=total_excl)
    Source.objects.filter(order=order).update(amount_debited=total_incl)
    return line


def _cost(line, order, **figures):
    return LineCost.objects.create(
        line=line, order=order, quantity=line.quantity, currency="GBP", computed_at=timezone.now(), **figures
    )


def build_shop(ada=None, ben=None):
    ada = ada or CustomerFactory(first_name="Ada", last_name="Margin")
    ben = ben or CustomerFactory(first_name="Ben", last_name="Margin")
    top = Tier.objects.order_by("-min_spend_12m").first()
    LoyaltyAccount.objects.update_or_create(user=ada, defaults={"segment": Segment.LOYAL, "tier": top})
    LoyaltyAccount.objects.update_or_create(user=ben, defaults={"segment": Segment.AT_RISK, "tier": None})

    first = OrderFactory(user=ada, configured=[TOTE], placed=_when(3, 3))
    second = OrderFactory(user=ben, configured=[TOTE], placed=_when(10, 4))
    third = OrderFactory(user=ben, lines=[(StockedProductFactory(), 1)], placed=_when(12, 4))
    LineCost.objects.filter(order__in=[first, second, third]).delete()  # hand-built below

    line = _priced(first, before=Decimal("200.00"), paid=Decimal("180.00"), total_incl=Decimal("216.00"),
                   total_excl=Decimal("180.00"))  # fmt: skip
    _cost(line, first, family_slug="printed-tote", family_version=1, materials_per_unit=Decimal("7.20"),
          materials=SHARES, labour_per_unit=Decimal("2.95"), actual_labour_per_unit=Decimal("2.50"))  # fmt: skip
    PointsHold.objects.create(
        account=ada.loyalty_account, basket_id=9_000_001, order_number=first.number, points=1800,
        amount=Decimal("18.00"), status=PointsHold.Status.SPENT,
    )  # fmt: skip
    Source.objects.filter(order=first).update(amount_refunded=Decimal("24.00"))
    WorkOrder.objects.create(
        order=first, line=line, kind=WorkOrder.REMAKE, remake_key=f"test:margins:{line.pk}",
        plant=Plant.objects.first(),
        family_slug="printed-tote", title=line.title, quantity=2, released_at=timezone.now(), due_at=timezone.now(),
    )  # fmt: skip

    line = _priced(second, before=Decimal("190.00"), paid=Decimal("190.00"), total_incl=Decimal("228.00"),
                   total_excl=Decimal("190.00"))  # fmt: skip
    _cost(line, second, family_slug="printed-tote", family_version=1, materials_per_unit=Decimal("7.20"),
          materials=SHARES, labour_per_unit=Decimal("2.95"))  # fmt: skip

    line = _priced(third, before=Decimal("25.00"), paid=Decimal("25.00"), total_incl=Decimal("30.00"),
                   total_excl=Decimal("25.00"))  # fmt: skip
    _cost(line, third, labour_minutes=0, labour_per_unit=Decimal(0), problem="the product has no unit cost")
    return Shop(ada, ben, first, second, third)
