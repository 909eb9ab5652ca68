"""Test data made to measure: customers, stocked products, placed orders, loyalty accounts.

A test about a customer or an order of its own makes them here, with only the fields it is
about, instead of borrowing a demo shopper whose history other tests also read. The demo shop
(in every test's database) stays for the tests about the demo and the browser journeys, and
for what the shop itself is made of: tiers, rules, families, shipping methods.

    customer = CustomerFactory()
    order = OrderFactory(user=customer, status="Delivered", placed=now - timedelta(days=40))
    order = OrderFactory(lines=[(StockedProductFactory(price="25.00"), 2)], total="100.00")
    order = OrderFactory(configured=[("printed-tote", {"print_text": "Hi", "ink": "clay"}, 1)])
    account = LoyaltyAccountFactory(user=customer, points=500)
"""

import itertools
from collections import deque
from datetime import timedelta
from decimal import Decimal

import factory
from django.conf import settings
from django.utils import timezone
from django.utils.text import slugify
from factory.django import DjangoModelFactory, Password
from oscar.core.loading import get_class, get_model

from atelier.orders import OrderStatus
from configurator.services import add_configuration_to_basket
from portal.demo.orders import record_payment

PASSWORD = "x-long-password-1"
PARTNER = "Atelier Workshop"  # the demo's partner: one partner, as in the shop
PAID = OrderStatus.PAID  # an order that passed this status was paid for

Basket = get_model("basket", "Basket")
Order = get_model("order", "Order")
OrderLine = get_model("order", "Line")
OrderStatusChange = get_model("order", "OrderStatusChange")
Partner = get_model("partner", "Partner")
ProductClass = get_model("catalogue", "ProductClass")
OrderCreator = get_class("order.utils", "OrderCreator")
OrderTotalCalculator = get_class("checkout.calculators", "OrderTotalCalculator")
Selector = get_class("partner.strategy", "Selector")
Free = get_class("shipping.methods", "Free")


class CustomerFactory(DjangoModelFactory):
    """A signed-up shopper with no history; the password is `PASSWORD`."""

    class Meta:
        model = settings.AUTH_USER_MODEL
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"customer{n}@factory.example")
    first_name = factory.Sequence(lambda n: f"Customer{n}")
    last_name = "Tester"
    password = Password(PASSWORD)


class StaffFactory(CustomerFactory):
    """A member of staff with no permissions; add the ones the test is about."""

    email = factory.Sequence(lambda n: f"staff{n}@factory.example")
    is_staff = True


class StockRecordFactory(DjangoModelFactory):
    class Meta:
        model = "partner.StockRecord"

    partner = factory.LazyFunction(lambda: Partner.objects.get_or_create(name=PARTNER)[0])
    partner_sku = factory.SelfAttribute("product.upc")
    price = Decimal("10.00")
    price_currency = settings.OSCAR_DEFAULT_CURRENCY
    num_in_stock = 100


class StockedProductFactory(DjangoModelFactory):
    """A product bought as it is (not configured), public, in stock, priced VAT included."""

    class Meta:
        model = "catalogue.Product"
        skip_postgeneration_save = True

    class Params:
        price = Decimal("10.00")
        num_in_stock = 100

    title = factory.Sequence(lambda n: f"Test part {n}")
    upc = factory.Sequence(lambda n: f"TST-{n:05d}")
    slug = factory.LazyAttribute(lambda product: slugify(product.title))
    structure = "standalone"
    is_public = True
    product_class = factory.LazyFunction(
        lambda: ProductClass.objects.get_or_create(
            name="Accessory", defaults={"requires_shipping": True, "track_stock": True}
        )[0]
    )
    stockrecord = factory.RelatedFactory(
        StockRecordFactory,
        factory_related_name="product",
        price=factory.SelfAttribute("..price"),
        num_in_stock=factory.SelfAttribute("..num_in_stock"),
    )


def status_path(status):
    """The statuses an order passes through from the first to `status`, by Oscar's pipeline."""
    start = settings.OSCAR_INITIAL_ORDER_STATUS
    paths = deque([[start]])
    while paths:
        path = paths.popleft()
        if path[-1] == status:
            return path
        paths.extend([*path, following] for following in settings.OSCAR_ORDER_STATUS_PIPELINE[path[-1]])
    raise ValueError(f"No way to {status!r} in OSCAR_ORDER_STATUS_PIPELINE")


_order_numbers = itertools.count(1)


class OrderFactory(DjangoModelFactory):
    """An order placed through Oscar's OrderCreator from a real basket, then dated and moved on.

    - `lines`: (product, quantity) pairs; one line of a new stocked product when neither these
      nor `configured` are given.
    - `configured`: (family slug, values, quantity) for made-to-order lines, added and priced as
      the configurator adds them (the demo's families; invalid values raise).
    - `status`: where the order is now. With `history` (the default) it got there through the
      pipeline (Pending payment, Paid, ... `status`), one status change a day after placing and
      none later than now; `history=False` is an order imported as it stands, no change recorded.
    - `placed`: when it was placed (now by default).
    - `total`: when given, the lines and the order add up to it exactly (points and spend tests).
    - `paid`: a payment of the total by the demo gateway is recorded (by default when the
      order got past payment).
    """

    class Meta:
        model = "order.Order"

    user = factory.SubFactory(CustomerFactory)
    number = factory.LazyFunction(lambda: f"T{next(_order_numbers):06d}")
    status = PAID
    # Not fields of the order: how it is built (read by _create).
    lines = None
    configured = None
    placed = factory.LazyFunction(timezone.now)
    total = None
    history = True
    paid = None

    @classmethod
    def _create(cls, model_class, *, user, number, status, lines, configured, placed, total, history, paid):
        basket = Basket.objects.create(owner=user)
        basket.strategy = Selector().strategy(user=user)
        for product, quantity in lines or ([] if configured else [(StockedProductFactory(), 1)]):
            basket.add_product(product, quantity)
        for family_slug, values, quantity in configured or ():
            add_configuration_to_basket(basket=basket, family_slug=family_slug, values=values, quantity=quantity)
        method = Free()
        charge = method.calculate(basket)
        order = OrderCreator().place_order(
            basket=basket,
            total=OrderTotalCalculator().calculate(basket, charge),
            shipping_method=method,
            shipping_charge=charge,
            user=user,
            order_number=number,
        )
        basket.submit()
        if total is not None:
            _set_total(order, Decimal(total))
        path = status_path(status)
        if history:
            now = timezone.now()
            for day, (old, new) in enumerate(itertools.pairwise(path), start=1):
                change = OrderStatusChange.objects.create(order=order, old_status=old, new_status=new)
                when = min(placed + timedelta(days=day), max(now, placed))
                OrderStatusChange.objects.filter(pk=change.pk).update(date_created=when)
        Order.objects.filter(pk=order.pk).update(date_placed=placed, status=status)
        order.lines.update(status=status)
        if PAID in path if paid is None else paid:
            record_payment(order, prefix="test")
        order.refresh_from_db()
        return order


def _set_total(order, amount):
    """The whole amount on the first line, nothing on the others, and the order's total to match."""
    lines = list(order.lines.order_by("pk"))
    for line, price in zip(lines, [amount] + [Decimal("0.00")] * (len(lines) - 1), strict=True):
        OrderLine.objects.filter(pk=line.pk).update(
            line_price_incl_tax=price,
            line_price_excl_tax=price,
            line_price_before_discounts_incl_tax=price,
            line_price_before_discounts_excl_tax=price,
        )
    Order.objects.filter(pk=order.pk).update(total_incl_tax=amount, total_excl_tax=amount)


class LoyaltyAccountFactory(DjangoModelFactory):
    """A customer's points account; `points` are credited through the ledger, as a bonus would be."""

    class Meta:
        model = "loyalty.LoyaltyAccount"
        django_get_or_create = ("user",)
        skip_postgeneration_save = True

    user = factory.SubFactory(CustomerFactory)

    @factory.post_generation
    def points(account, create, points, **kwargs):
        if create and points:
            from loyalty.services import earning

            earning.award_bonus(
                user_id=account.user_id,
                source="manual",
                points=points,
                reason="Points for a test",
                key=f"test-points-{account.user_id}-{next(_order_numbers)}",
            )
            account.refresh_from_db()
