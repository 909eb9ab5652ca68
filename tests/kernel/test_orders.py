"""The order's vocabulary (atelier.orders): statuses and their pipeline, the purchase set, a line's configuration."""

import json
from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.utils import timezone
from oscar.core.loading import get_model

from atelier.orders import (
    CLOSED,
    CONFIGURATION_OPTION,
    INITIAL_STATUS,
    PIPELINE,
    PURCHASED,
    UNPAID,
    LineConfiguration,
    OrderStatus,
    UnreadableConfiguration,
    configuration_in,
    line_configuration,
    read_configuration,
    read_line_configuration,
)
from loyalty import recompute
from loyalty.models import SegmentHistory
from loyalty.reminders import triggers
from loyalty.selectors.missing import paid_orders_without_points
from tests.factories import CustomerFactory, OrderFactory, StockedProductFactory

Order = get_model("order", "Order")
OrderLine = get_model("order", "Line")
OrderLineAttribute = get_model("order", "LineAttribute")
Basket = get_model("basket", "Basket")
BasketLine = get_model("basket", "Line")
BasketLineAttribute = get_model("basket", "LineAttribute")
Option = get_model("catalogue", "Option")

# The strings orders have been stored with since the first migration: renaming one strands every row.
STORED_PIPELINE = {
    "Pending payment": ("Paid", "Payment failed", "Cancelled"),
    "Payment failed": ("Paid", "Cancelled"),
    "Paid": ("In production", "Cancelled", "Refunded"),
    "In production": ("Shipped", "Refunded"),
    "Shipped": ("Delivered", "Refunded"),
    "Delivered": ("Refunded",),
    "Cancelled": (),
    "Refunded": (),
}
TEE = json.dumps(
    {"family": "printed-tee", "version": 3, "values": {"colour": "sage"}, "summary": [["Colour", "Sage"]]},
    sort_keys=True,
)


# --- statuses and the pipeline ---------------------------------------------------------------


def test_oscar_is_given_the_pipeline_of_the_enumeration_as_plain_strings():
    assert settings.OSCAR_ORDER_STATUS_PIPELINE == STORED_PIPELINE
    assert list(settings.OSCAR_ORDER_STATUS_PIPELINE) == list(STORED_PIPELINE)  # Oscar lists them in this order
    assert settings.OSCAR_LINE_STATUS_PIPELINE == STORED_PIPELINE
    assert {status: status for status in STORED_PIPELINE} == settings.OSCAR_ORDER_STATUS_CASCADE
    assert settings.OSCAR_INITIAL_ORDER_STATUS == settings.OSCAR_INITIAL_LINE_STATUS == "Pending payment"
    given = [settings.OSCAR_INITIAL_ORDER_STATUS, *settings.OSCAR_ORDER_STATUS_PIPELINE]
    given += [status for way_on in settings.OSCAR_ORDER_STATUS_PIPELINE.values() for status in way_on]
    assert {type(status) for status in given} == {str}


def test_every_status_has_its_place_in_the_pipeline():
    assert list(PIPELINE) == list(OrderStatus)
    assert INITIAL_STATUS == OrderStatus.PENDING_PAYMENT
    assert all(isinstance(status, OrderStatus) for way_on in PIPELINE.values() for status in way_on)


def test_a_status_compares_and_stores_as_its_string():
    assert OrderStatus.IN_PRODUCTION == "In production"
    assert {"In production": 1}[OrderStatus.IN_PRODUCTION] == 1
    assert f"{OrderStatus.IN_PRODUCTION}" == str(OrderStatus.IN_PRODUCTION) == "In production"
    assert json.dumps([OrderStatus.PAID]) == '["Paid"]'


def reachable_from(status):
    seen, todo = set(), [status]
    while todo:
        for following in PIPELINE[todo.pop()]:
            if following not in seen:
                seen.add(following)
                todo.append(following)
    return seen


def test_the_named_sets_follow_from_the_pipeline():
    assert PURCHASED == (OrderStatus.PAID, OrderStatus.IN_PRODUCTION, OrderStatus.SHIPPED, OrderStatus.DELIVERED)
    # A purchase: paid, and anything a paid order can become except giving the money back.
    assert set(PURCHASED) == {OrderStatus.PAID} | reachable_from(OrderStatus.PAID) - set(CLOSED)
    assert set(CLOSED) == {status for status, way_on in PIPELINE.items() if not way_on}
    assert set(UNPAID) == {status for status in PIPELINE if OrderStatus.PAID in PIPELINE[status]}
    assert not set(UNPAID) & set(PURCHASED) and not set(CLOSED) & set(PURCHASED)


@pytest.mark.django_db
def test_every_place_that_asks_what_counts_as_a_purchase_gets_the_same_answer():
    """Spend and segments (set-based and per customer), missing points, win-back: one order per status."""
    customer = CustomerFactory()
    long_ago = timezone.now() - timedelta(days=20)
    for days, status in enumerate(OrderStatus):
        OrderFactory(user=customer, status=status, placed=long_ago + timedelta(days=days), total="10.00")
    purchased = set(Order.objects.filter(user=customer, status__in=list(PURCHASED)).values_list("pk", flat=True))
    assert len(purchased) == 4
    last_purchase = Order.objects.filter(pk__in=purchased).latest("date_placed").date_placed

    recompute.recompute_all()
    history = SegmentHistory.objects.get(user_id=customer.pk)
    assert (history.frequency, history.monetary) == (4, Decimal("40.00"))
    SegmentHistory.objects.filter(user_id=customer.pk).delete()
    recompute.recompute_customer(user_id=customer.pk)
    history = SegmentHistory.objects.get(user_id=customer.pk)
    assert (history.frequency, history.monetary) == (4, Decimal("40.00"))

    theirs = set(Order.objects.filter(user=customer).values_list("pk", flat=True))
    assert set(paid_orders_without_points()) & theirs == purchased

    rule = SimpleNamespace(threshold=1)
    [selection] = triggers.win_back(rule, timezone.now())
    assert selection.queryset.get(user_id=customer.pk)["last"] == last_purchase


# --- a line's configuration ------------------------------------------------------------------


@pytest.fixture
def configuration_option(db):
    option, _ = Option.objects.get_or_create(code=CONFIGURATION_OPTION, defaults={"name": "Configuration"})
    return option


@pytest.fixture
def other_option(db):
    return Option.objects.create(code="k1-gift-wrap", name="Gift wrap")


@pytest.fixture
def product(db):
    return StockedProductFactory(title="K1 T-shirt")


def order_line(product, *attributes):
    """The order line of `product`, its attributes as stored (by the configurator, or tampered with)."""
    line = OrderFactory(lines=[(product, 1)]).lines.get()
    for option, value in attributes:
        OrderLineAttribute.objects.create(line=line, option=option, type=option.name if option else "", value=value)
    return OrderLine.objects.prefetch_related("attributes__option").get(pk=line.pk)


def basket_line(product, *attributes):
    line = BasketLine.objects.create(
        basket=Basket.objects.create(),
        line_reference="k1",
        product=product,
        stockrecord=product.stockrecords.get(),
        quantity=1,
    )
    for option, value in attributes:
        BasketLineAttribute.objects.create(line=line, option=option, value=value)
    return BasketLine.objects.get(pk=line.pk)


def test_an_order_line_gives_its_configuration_as_stored(product, configuration_option, other_option):
    line = order_line(product, (other_option, "yes"), (configuration_option, TEE))

    assert line_configuration(line) == TEE
    assert read_line_configuration(line) == LineConfiguration("printed-tee", 3, {"colour": "sage"})
    family_slug, version, values = read_line_configuration(line)
    assert (family_slug, version, values) == ("printed-tee", 3, {"colour": "sage"})
    assert line.configuration_summary == "Colour: Sage"
    assert line.description == "K1 T-shirt — Colour: Sage"


def test_a_basket_line_gives_its_configuration_as_stored(product, configuration_option, other_option):
    line = basket_line(product, (other_option, "yes"), (configuration_option, TEE))

    assert line_configuration(line) == TEE == line.configuration_text
    assert read_line_configuration(line).family_slug == "printed-tee"


def test_a_line_whose_option_was_deleted_is_no_longer_configured(product):
    """Oscar keeps an order line's attributes when their option goes (SET_NULL): nothing to read then."""
    line = order_line(product, (None, TEE))

    assert line_configuration(line) is None
    assert read_line_configuration(line) is None
    assert line.configuration_summary == ""


def test_a_line_without_a_configuration(product, other_option):
    for line in (order_line(product, (other_option, "yes")), basket_line(product), order_line(product)):
        assert line_configuration(line) is None
        assert read_line_configuration(line) is None


def test_a_malformed_configuration_is_found_as_stored_and_refused_when_read(product, configuration_option):
    line = order_line(product, (configuration_option, "{not json"))

    assert line_configuration(line) == "{not json"
    with pytest.raises(UnreadableConfiguration, match="not JSON"):
        read_line_configuration(line)
    assert line.configuration_summary == ""  # the summary reads as nothing, the line as its product


def test_the_options_a_basket_is_given_when_adding_are_searched_alike(configuration_option, other_option):
    options = [{"option": other_option, "value": "yes"}, {"option": configuration_option, "value": TEE}]

    assert configuration_in(options) == TEE
    assert configuration_in(options[:1]) is None
    assert configuration_in([]) is None
    assert configuration_in([{"option": None, "value": TEE}]) is None


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (None, "not JSON"),
        ("", "not JSON"),
        ("{not json", "not JSON"),
        ("[1, 2]", "not an object"),
        ('"printed-tee"', "not an object"),
        ('{"version": 3, "values": {}}', "no family"),
        ('{"family": "", "version": 3, "values": {}}', "no family"),
        ('{"family": "printed-tee", "version": "3", "values": {}}', "no version"),
        ('{"family": "printed-tee", "version": true, "values": {}}', "no version"),
        ('{"family": "printed-tee", "version": 3, "values": []}', "no values"),
    ],
)
def test_text_the_configurator_did_not_write_is_unreadable(text, reason):
    with pytest.raises(UnreadableConfiguration, match=f"^{reason}$"):
        read_configuration(text)


def test_unreadable_is_a_value_error():
    assert issubclass(UnreadableConfiguration, ValueError)
