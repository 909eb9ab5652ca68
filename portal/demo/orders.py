"""Demo order history, placed through Oscar's own basket and OrderCreator, then dated back."""

import itertools
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from oscar.core.loading import get_class, get_model

from atelier.orders import OrderStatus
from configurator import services as configurator_services
from portal.shipping.repository import VatInclusiveCharge

from .catalogue import product

Basket = get_model("basket", "Basket")
Order = get_model("order", "Order")
Line = get_model("order", "Line")
OrderStatusChange = get_model("order", "OrderStatusChange")
ShippingAddress = get_model("order", "ShippingAddress")
Country = get_model("address", "Country")
OrderAndItemCharges = get_model("shipping", "OrderAndItemCharges")
Source = get_model("payment", "Source")
CommunicationEvent = get_model("order", "CommunicationEvent")
CommunicationEventType = get_model("communication", "CommunicationEventType")
SourceType = get_model("payment", "SourceType")
OrderCreator = get_class("order.utils", "OrderCreator")
OrderTotalCalculator = get_class("checkout.calculators", "OrderTotalCalculator")
Selector = get_class("partner.strategy", "Selector")


@dataclass(frozen=True)
class DemoOrder:
    number: str
    email: str
    days_ago: int
    lines: tuple  # (upc, quantity, configuration or None)
    status: OrderStatus
    shipping: str = "standard"


SOFA = ("modular-sofa", {"modules": 4, "width": 260, "depth": 100, "chaise": "left", "fabric": "moss"})
FRIDGE = ("atelier-fridge", {"hinge": "left", "finish": "sage", "ice_maker": True, "water_kit": True})
TEE = ("printed-tee", {"colour": "sage", "print_text": "Byron family reunion", "ink": "white"})
TOTE = ("printed-tote", {"print_text": "Leeds allotment society", "ink": "clay"})

# Lines are (product UPC, quantity, configuration); the configuration is None for stocked goods.
ORDERS = [
    DemoOrder(
        "DEMO-1001", "ada@example.com", 420, (("ATL-SOFA", 1, SOFA), ("ATL-CAREKIT", 1, None)), OrderStatus.DELIVERED,
        "room-of-choice",
    ),
    DemoOrder(
        "DEMO-1002", "ada@example.com", 210, (("ATL-FRIDGE", 1, FRIDGE),), OrderStatus.DELIVERED, "room-of-choice"
    ),
    DemoOrder("DEMO-1003", "ada@example.com", 64, (("ATL-TEE", 3, TEE), ("ATL-TOTE", 2, TOTE)), OrderStatus.DELIVERED),
    DemoOrder("DEMO-1004", "ada@example.com", 3, (("ATL-FILTER", 2, None),), OrderStatus.PAID),
    DemoOrder("DEMO-1005", "ben@example.com", 40, (("ATL-TOTE", 1, TOTE),), OrderStatus.DELIVERED),
]  # fmt: skip

ADDRESSES = {
    "ada@example.com": {"line1": "12 Wharf Street", "line4": "Leeds", "postcode": "LS2 7EQ"},
    "ben@example.com": {"line1": "Flat 3, 88 Mill Road", "line4": "Cambridge", "postcode": "CB1 2AS"},
}

# The statuses an order passed through to reach its demo status, in order.
HISTORY = {
    OrderStatus.PAID: [OrderStatus.PENDING_PAYMENT, OrderStatus.PAID],
    OrderStatus.DELIVERED: [
        OrderStatus.PENDING_PAYMENT, OrderStatus.PAID, OrderStatus.IN_PRODUCTION, OrderStatus.SHIPPED,
        OrderStatus.DELIVERED,
    ],
}  # fmt: skip


def _place(spec, user):
    basket = Basket.objects.create(owner=user)
    basket.strategy = Selector().strategy(user=user)
    for upc, quantity, configuration in spec.lines:
        if configuration is None:
            basket.add_product(product(upc), quantity)
        else:
            family_slug, values = configuration
            configurator_services.add_configuration_to_basket(
                basket=basket, family_slug=family_slug, values=values, quantity=quantity
            )
    method = VatInclusiveCharge(OrderAndItemCharges.objects.get(code=spec.shipping))
    charge = method.calculate(basket)
    total = OrderTotalCalculator().calculate(basket, charge)
    address = ShippingAddress.objects.create(
        first_name=user.first_name,
        last_name=user.last_name,
        country=Country.objects.get(iso_3166_1_a2="GB"),
        **ADDRESSES[user.email],
    )
    order = OrderCreator().place_order(
        basket=basket,
        total=total,
        shipping_method=method,
        shipping_charge=charge,
        user=user,
        shipping_address=address,
        order_number=spec.number,
        status=HISTORY[spec.status][0],
    )
    basket.submit()
    return order


def record_payment(order, *, prefix="demo"):
    """The order paid in full through the demo gateway, like any order in the embedded shop
    (its reference `<prefix>_pi_<number>`)."""
    source_type, _ = SourceType.objects.get_or_create(name="Demo gateway")
    source = Source.objects.create(
        order=order,
        source_type=source_type,
        currency=order.currency,
        amount_allocated=order.total_incl_tax,
        reference=f"{prefix}_pi_{order.number.lower()}",
    )
    source.debit(order.total_incl_tax, reference=source.reference, status="succeeded")


def _record_confirmation(order):
    """Demo orders were confirmed when they were placed; the audit trail says so, so no job resends it."""
    event_type, _ = CommunicationEventType.objects.get_or_create(
        code="ORDER_PLACED", defaults={"name": "Order confirmation", "category": CommunicationEventType.ORDER_RELATED}
    )
    CommunicationEvent.objects.create(order=order, event_type=event_type)


def _date_back(order, spec):
    placed = timezone.now() - timedelta(days=spec.days_ago, hours=3)
    statuses = HISTORY[spec.status]
    # Demo history is written, not lived: each step a day or two after the one before.
    for index, (old, new) in enumerate(itertools.pairwise(statuses)):
        change = OrderStatusChange.objects.create(order=order, old_status=old, new_status=new)
        OrderStatusChange.objects.filter(pk=change.pk).update(date_created=placed + timedelta(days=index * 2 + 1))
    Order.objects.filter(pk=order.pk).update(date_placed=placed, status=spec.status)
    Line.objects.filter(order=order).update(status=spec.status)


def load_orders():
    user_model = get_user_model()
    created = 0
    for spec in ORDERS:
        if Order.objects.filter(number=spec.number).exists():
            continue
        with transaction.atomic():
            user = user_model.objects.get(email=spec.email)
            order = _place(spec, user)
            record_payment(order)
            _record_confirmation(order)
            _date_back(order, spec)
        created += 1
    return created
