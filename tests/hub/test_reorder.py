"""Buy again: a past configuration goes back into the basket re-validated and re-priced."""

import json
from decimal import Decimal

import pytest
from oscar.core.loading import get_model

from configurator.models import Option
from tests.factories import OrderFactory, StockedProductFactory

pytestmark = pytest.mark.django_db

Basket = get_model("basket", "Basket")

FRIDGE = ("atelier-fridge", {"hinge": "left", "finish": "sage", "ice_maker": True, "water_kit": True}, 1)
TEE = ("printed-tee", {"colour": "sage", "print_text": "Crew", "ink": "white"}, 3)
TOTE = ("printed-tote", {"print_text": "Allotment", "ink": "clay"}, 2)


@pytest.fixture
def fridge_order():
    return OrderFactory(status="Delivered", configured=[FRIDGE])


@pytest.fixture
def signed_in(client, fridge_order):
    """The client of the fridge order's customer."""
    client.force_login(fridge_order.user)
    return client


def basket_of(user):
    return Basket.objects.filter(owner=user, status="Open").first()


def configured_line(order):
    return next(line for line in order.lines.all() if line.configuration_summary)


def test_a_configured_line_goes_back_in_the_basket_priced_today(signed_in, fridge_order):
    line = configured_line(fridge_order)

    response = signed_in.post(f"/accounts/orders/{fridge_order.number}/{line.pk}/", {"action": "reorder"})

    assert response.status_code == 302 and response["Location"] == "/basket/"
    basket_line = basket_of(fridge_order.user).lines.get()
    assert basket_line.product_id == line.product_id and basket_line.quantity == line.quantity
    assert basket_line.price_incl_tax > Decimal("0")
    summary = json.loads(basket_line.attributes.get().value)["summary"]
    assert summary  # the choices travel with the line, as words


def test_buying_the_same_line_twice_adds_quantity_not_a_second_line(signed_in, fridge_order):
    line = configured_line(fridge_order)

    signed_in.post(f"/accounts/orders/{fridge_order.number}/{line.pk}/", {"action": "reorder"})
    signed_in.post(f"/accounts/orders/{fridge_order.number}/{line.pk}/", {"action": "reorder"})

    basket_line = basket_of(fridge_order.user).lines.get()
    assert basket_line.quantity == 2 * line.quantity


def test_buy_all_again_adds_every_line(client):
    order = OrderFactory(status="Delivered", configured=[TEE, TOTE], lines=[(StockedProductFactory(), 2)])
    client.force_login(order.user)

    response = client.post(f"/accounts/orders/{order.number}/buy-again/")

    assert response.status_code == 302
    assert basket_of(order.user).lines.count() == order.lines.count() == 3


def test_a_design_that_no_longer_validates_is_refused_with_the_reason_and_a_way_to_adjust(signed_in, fridge_order):
    line = configured_line(fridge_order)
    attribute = line.attributes.get()
    data = json.loads(attribute.value)
    option = Option.objects.filter(family__slug=data["family"], kind="choice").first()
    data["values"][option.code] = "discontinued-choice"
    attribute.value = json.dumps(data)
    attribute.save()

    url = f"/accounts/orders/{fridge_order.number}/{line.pk}/"
    response = signed_in.post(url, {"action": "reorder"}, follow=True)

    html = response.content.decode()
    assert "no longer fits our current options" in html
    assert f"/configure/{data['family']}/?" in html
    assert basket_of(fridge_order.user) is None or not basket_of(fridge_order.user).lines.exists()


def test_a_get_on_the_line_address_just_shows_the_order(signed_in, fridge_order):
    line = configured_line(fridge_order)

    response = signed_in.get(f"/accounts/orders/{fridge_order.number}/{line.pk}/")

    assert response.status_code == 302 and response["Location"] == f"/accounts/orders/{fridge_order.number}/"


def test_buy_again_needs_csrf(fridge_order):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(fridge_order.user)

    assert strict.post(f"/accounts/orders/{fridge_order.number}/buy-again/").status_code == 403
