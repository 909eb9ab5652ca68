"""A small shop of hand-built cohorts and promises, January to June 2021 (a period the demo's
orders never reach). Every order is placed at noon, shop time; a Delivered order moved through
the pipeline a day a step, so it shipped three days after it was placed.

Customers and their paid orders (families in brackets):
- Cora: 5 Jan (tote), 20 Feb (tee), 10 Apr (tote). Tier: Silver then, Gold now (moved up 1 Mar).
- Dev: 15 Jan (tee), 1 Jun (tote, refunded: still a sale). Tier: Platinum now, no change recorded.
  His June order's survey says 1, but it is not his first order's.
- Eve: 3 Feb (tote). No tier.
- Finn: 20 Feb (tote), 25 Feb (tote), 2 Mar (tote). Silver on the day (moved down from Gold on
  1 Dec 2020, then to Member on 1 Jun 2021).
- Gus: 10 Jan cancelled before payment (not a sale), 28 Feb (stocked), a March order never paid.
  Member now; a downgrade announced (grace) in January is not a move.

Cohorts (first paid order): January = Cora, Dev (2); February = Eve, Finn, Gus (3).
Retention: January M+1 (Feb) Cora 1, M+3 (Apr) Cora 1, M+5 (Jun) Dev 1; February M+1 (Mar) Finn 1.
Repurchase within 90 days: Cora yes (46 days), Dev no (137 days), Eve no, Finn yes (5 days), Gus no.
Surveys on first orders: Cora 5, Finn 2.

Promises (promised ship day, shipped day):
- Cora 5 Jan tote: promised 8 Jan, shipped 8 Jan (on time, the promised day itself).
- Dev 15 Jan tee: promised 16 Jan, shipped 18 Jan (2 days late).
- Eve 3 Feb tote: promised 10 Feb, shipped 6 Feb (on time).
- Finn 20 Feb tote: promised 21 Feb, not shipped (In production): late, 8 days on 1 Mar.
- Cora 20 Feb tee: promised 12 Feb, shipped 23 Feb (11 days late).
- Gus 28 Feb stocked: promised 5 Mar, not shipped, not due on 1 Mar (left out then).
- Finn 25 Feb tote: refunded before shipping, promised 26 Feb: left out.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone

from analytics.selectors.margins import COUNTED, Period
from analytics.services import freeze_order_costs
from atelier.orders import OrderStatus
from care.surveys.models import Survey
from loyalty.models import LoyaltyAccount, Tier, TierChange
from production.models import PromisedDate
from tests.factories import CustomerFactory, OrderFactory, StockedProductFactory

COHORTS = Period(date(2021, 1, 1), date(2021, 2, 28))
PROMISES = Period(date(2021, 1, 1), date(2021, 3, 31))
ON_1_MARCH = date(2021, 3, 1)

TOTE = ("printed-tote", {"print_text": "Hello", "ink": "clay", "sides": "both"}, 1)
TEE = ("printed-tee", {"colour": "sage", "print_text": "Hi", "ink": "white"}, 1)


@dataclass
class CohortShop:
    people: dict
    orders: dict


def noon(month, day):
    return datetime(2021, month, day, 12, 0, tzinfo=timezone.get_current_timezone())


def _order(user, month, day, family, status=OrderStatus.DELIVERED, promised=None):
    if family == "stocked":
        order = OrderFactory(user=user, lines=[(StockedProductFactory(), 1)], placed=noon(month, day), status=status)
    else:
        order = OrderFactory(user=user, configured=[family], placed=noon(month, day), status=status)
    if status in COUNTED:  # as order_paid does: the lines' costs, and with them their family
        freeze_order_costs(order_id=order.pk)
    if promised is not None:
        PromisedDate.objects.update_or_create(order=order, defaults={"ship_date": promised})
    return order


def _account(user, tier_name):
    tier = Tier.objects.get(name=tier_name) if tier_name else None
    LoyaltyAccount.objects.update_or_create(user=user, defaults={"tier": tier})


def build_cohort_shop():
    people = {
        name: CustomerFactory(first_name=name, last_name="Cohort", email=f"{name.lower()}.cohort@example.com")
        for name in ("Cora", "Dev", "Eve", "Finn", "Gus")
    }
    cora, dev, eve, finn, gus = people.values()
    d = OrderStatus.DELIVERED
    orders = {
        "cora-jan": _order(cora, 1, 5, TOTE, d, date(2021, 1, 8)),
        "cora-feb": _order(cora, 2, 20, TEE, d, date(2021, 2, 12)),
        "cora-apr": _order(cora, 4, 10, TOTE, d),
        "dev-jan": _order(dev, 1, 15, TEE, d, date(2021, 1, 16)),
        "dev-jun": _order(dev, 6, 1, TOTE, OrderStatus.REFUNDED),
        "eve-feb": _order(eve, 2, 3, TOTE, d, date(2021, 2, 10)),
        "finn-feb": _order(finn, 2, 20, TOTE, OrderStatus.IN_PRODUCTION, date(2021, 2, 21)),
        "finn-feb-2": _order(finn, 2, 25, TOTE, OrderStatus.REFUNDED, date(2021, 2, 26)),
        "finn-mar": _order(finn, 3, 2, TOTE, d),
        "gus-cancelled": _order(gus, 1, 10, "stocked", OrderStatus.CANCELLED),
        "gus-feb": _order(gus, 2, 28, "stocked", OrderStatus.PAID, date(2021, 3, 5)),
        "gus-unpaid": _order(gus, 3, 3, "stocked", OrderStatus.PENDING_PAYMENT),
    }
    _account(cora, "Gold")
    TierChange.objects.create(
        user_id=cora.pk, kind="up", from_tier="Silver", to_tier="Gold", changed_on=date(2021, 3, 1)
    )
    _account(dev, "Platinum")
    _account(eve, None)
    _account(finn, "Member")
    TierChange.objects.create(user_id=finn.pk, kind="down", from_tier="Gold", to_tier="Silver",
                              changed_on=date(2020, 12, 1))  # fmt: skip
    TierChange.objects.create(user_id=finn.pk, kind="down", from_tier="Silver", to_tier="Member",
                              changed_on=date(2021, 6, 1))  # fmt: skip
    _account(gus, "Member")
    TierChange.objects.create(user_id=gus.pk, kind="grace", from_tier="Silver", to_tier="Member",
                              changed_on=date(2021, 1, 20), due_on=date(2021, 4, 20))  # fmt: skip
    for key, score in (("cora-jan", 5), ("finn-feb", 2), ("dev-jun", 1)):
        order = orders[key]
        Survey.objects.create(order=order, user=order.user, score=score, buy_again="yes")
    return CohortShop(people, orders)
