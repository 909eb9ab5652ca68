"""Demo history for the cohort and promise pages: four shoppers of their own (so Ada's and Ben's
history stays as the other pages and tests know it) with a dozen orders over the last eight
months, each with the ship date promised at payment and its shipping dated back; a few shipped
late, one still in the workshop past its promise, one not yet due. Each has a tier and a
survey of their first order, for the repurchase bars.

Placed through Oscar's basket and OrderCreator like the other demo orders, paid through the demo
gateway; their line costs (and with them their families) are frozen by the analytics step that
runs after this one. Keyed on order numbers: a second run adds nothing.
"""

import itertools
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from oscar.core.loading import get_class, get_model

from atelier.orders import OrderStatus
from care.surveys.models import BuyAgain, Survey
from configurator import services as configurator_services
from loyalty.models import LoyaltyAccount, Tier, TierChange
from portal.shipping.repository import VatInclusiveCharge
from production.models import PromisedDate

from .orders import _record_confirmation, record_payment

Basket = get_model("basket", "Basket")
Order = get_model("order", "Order")
Line = get_model("order", "Line")
OrderStatusChange = get_model("order", "OrderStatusChange")
ShippingAddress = get_model("order", "ShippingAddress")
Country = get_model("address", "Country")
OrderAndItemCharges = get_model("shipping", "OrderAndItemCharges")
OrderCreator = get_class("order.utils", "OrderCreator")
OrderTotalCalculator = get_class("checkout.calculators", "OrderTotalCalculator")
Selector = get_class("partner.strategy", "Selector")

SHOPPERS = {
    "nia@example.com": ("Nia", "Patel", "4 Canal Row", "Manchester", "M1 5AN"),
    "omar@example.com": ("Omar", "Haddad", "19 Kings Road", "Bristol", "BS8 1QU"),
    "rosa@example.com": ("Rosa", "Quinn", "7 Harbour Lane", "Whitby", "YO21 3PU"),
    "theo@example.com": ("Theo", "Mills", "52 Station Street", "York", "YO1 6HT"),
}

TIERS = {"nia@example.com": "Silver", "omar@example.com": "Gold", "rosa@example.com": "Member",
         "theo@example.com": "Member"}  # fmt: skip

SOFA = ("ATL-SOFA", "modular-sofa", {"modules": 3, "width": 220, "depth": 95, "chaise": "left", "fabric": "moss"})
FRIDGE = ("ATL-FRIDGE", "atelier-fridge", {"hinge": "right", "finish": "sage", "ice_maker": False, "water_kit": False})
TEE = ("ATL-TEE", "printed-tee", {"colour": "sage", "print_text": "Harbour swim club", "ink": "white"})
TOTE = ("ATL-TOTE", "printed-tote", {"print_text": "Canal book club", "ink": "clay"})


@dataclass(frozen=True)
class PromisedOrder:
    number: str
    email: str
    days_ago: int
    item: tuple
    status: OrderStatus
    promise_days: int  # the ship date promised, days after placing
    shipped_days: int | None = None  # when it shipped, days after placing


D, S, P, PAID = OrderStatus.DELIVERED, OrderStatus.SHIPPED, OrderStatus.IN_PRODUCTION, OrderStatus.PAID
ORDERS = [
    PromisedOrder("DEMO-3001", "nia@example.com", 240, TOTE, D, 7, 5),
    PromisedOrder("DEMO-3002", "omar@example.com", 230, SOFA, D, 21, 26),  # 5 days late
    PromisedOrder("DEMO-3003", "nia@example.com", 200, TEE, D, 7, 10),  # 3 days late
    PromisedOrder("DEMO-3004", "rosa@example.com", 180, FRIDGE, D, 28, 25),
    PromisedOrder("DEMO-3005", "omar@example.com", 150, TOTE, D, 7, 7),
    PromisedOrder("DEMO-3006", "nia@example.com", 120, TOTE, D, 7, 6),
    PromisedOrder("DEMO-3007", "theo@example.com", 100, TEE, D, 7, 7),
    PromisedOrder("DEMO-3008", "rosa@example.com", 90, TEE, D, 7, 16),  # 9 days late
    PromisedOrder("DEMO-3009", "rosa@example.com", 60, TOTE, D, 7, 6),
    PromisedOrder("DEMO-3010", "theo@example.com", 45, SOFA, P, 21),  # still in the workshop, past its promise
    PromisedOrder("DEMO-3011", "omar@example.com", 20, TEE, S, 7, 9),  # 2 days late
    PromisedOrder("DEMO-3012", "nia@example.com", 5, TOTE, PAID, 10),  # not yet due
]

PATH = [OrderStatus.PENDING_PAYMENT, PAID, P, S, D]


def _shopper(email):
    user_model = get_user_model()
    user = user_model.objects.filter(email=email).first()
    if user is None:
        first_name, last_name, *_ = SHOPPERS[email]
        user = user_model.objects.create_user(email=email, password=None, first_name=first_name, last_name=last_name)
        # Their tier now, and Omar's move up since his first order: the repurchase bars read the
        # tier each held on the day of their first order.
        LoyaltyAccount.objects.get_or_create(user=user, defaults={"tier": Tier.objects.get(name=TIERS[email])})
        if email == "omar@example.com":
            TierChange.objects.create(
                user_id=user.pk, kind=TierChange.Kind.UP, from_tier="Silver", to_tier="Gold",
                changed_on=timezone.localdate() - timedelta(days=100),
            )  # fmt: skip
    return user


def _place(spec, user):
    basket = Basket.objects.create(owner=user)
    basket.strategy = Selector().strategy(user=user)
    _upc, family_slug, values = spec.item
    configurator_services.add_configuration_to_basket(basket=basket, family_slug=family_slug, values=values, quantity=1)
    method = VatInclusiveCharge(OrderAndItemCharges.objects.get(code="standard"))
    charge = method.calculate(basket)
    _first, _last, line1, town, postcode = SHOPPERS[user.email]
    address = ShippingAddress.objects.create(
        first_name=user.first_name, last_name=user.last_name, line1=line1, line4=town, postcode=postcode,
        country=Country.objects.get(iso_3166_1_a2="GB"),
    )  # fmt: skip
    order = OrderCreator().place_order(
        basket=basket, total=OrderTotalCalculator().calculate(basket, charge), shipping_method=method,
        shipping_charge=charge, user=user, shipping_address=address, order_number=spec.number,
        status=OrderStatus.PENDING_PAYMENT,
    )  # fmt: skip
    basket.submit()
    return order


def _date_back(order, spec):
    """Paid within the hour, into the workshop the next day, shipped and delivered (two days on)
    as the spec says: the history the promise page reads."""
    placed = timezone.now() - timedelta(days=spec.days_ago, hours=5)
    when = {PAID: placed + timedelta(hours=1), P: placed + timedelta(days=1)}
    if spec.shipped_days is not None:
        when[S] = placed + timedelta(days=spec.shipped_days)
        when[D] = when[S] + timedelta(days=2)
    steps = PATH[: PATH.index(spec.status) + 1]
    for old, new in itertools.pairwise(steps):
        change = OrderStatusChange.objects.create(order=order, old_status=old, new_status=new)
        OrderStatusChange.objects.filter(pk=change.pk).update(date_created=when[new])
    Order.objects.filter(pk=order.pk).update(date_placed=placed, status=spec.status)
    Line.objects.filter(order=order).update(status=spec.status)
    promised = timezone.localtime(placed).date() + timedelta(days=spec.promise_days)
    PromisedDate.objects.get_or_create(order=order, defaults={"ship_date": promised})


# The score each shopper's first order's survey gave (4 and 5 open no ticket).
SURVEYS = {"DEMO-3001": 5, "DEMO-3002": 4, "DEMO-3004": 4, "DEMO-3007": 5}


def _surveys():
    created = 0
    for number, score in SURVEYS.items():
        order = Order.objects.get(number=number)
        _, was_created = Survey.objects.get_or_create(
            order=order, defaults={"user": order.user, "score": score, "buy_again": BuyAgain.YES}
        )
        created += was_created
    return created


def load_history():
    created = 0
    for spec in ORDERS:
        if Order.objects.filter(number=spec.number).exists():
            continue
        with transaction.atomic():
            order = _place(spec, _shopper(spec.email))
            record_payment(order)
            _record_confirmation(order)
            _date_back(order, spec)
        created += 1
    return created + _surveys()
