"""Buy again: a past configuration goes back into the basket re-validated and re-priced."""

import json
from decimal import Decimal

import pytest
from oscar.core.loading import get_model

from configurator.models import Option

pytestmark = pytest.mark.django_db

Order = get_model("order", "Order")
Basket = get_model("basket", "Basket")


def basket_of(email):
    return Basket.objects.filter(owner__email=email, status="Open").first()


def configured_line(number):
    return next(line for line in Order.objects.get(number=number).lines.all() if line.configuration_summary)


def test_a_configured_line_goes_back_in_the_basket_priced_today(login):
    client = login("ada@example.com")
    line = configured_line("DEMO-1002")

    response = client.post(f"/accounts/orders/DEMO-1002/{line.pk}/", {"action": "reorder"})

    assert response.status_code == 302 and response["Location"] == "/basket/"
    basket_line = basket_of("ada@example.com").lines.get()
    assert basket_line.product_id == line.product_id and basket_line.quantity == line.quantity
    assert basket_line.price_incl_tax > Decimal("0")
    summary = json.loads(basket_line.attributes.get().value)["summary"]
    assert summary  # the choices travel with the line, as words


def test_buying_the_same_line_twice_adds_quantity_not_a_second_line(login):
    client = login("ada@example.com")
    line = configured_line("DEMO-1002")

    client.post(f"/accounts/orders/DEMO-1002/{line.pk}/", {"action": "reorder"})
    client.post(f"/accounts/orders/DEMO-1002/{line.pk}/", {"action": "reorder"})

    basket_line = basket_of("ada@example.com").lines.get()
    assert basket_line.quantity == 2 * line.quantity


def test_buy_all_again_adds_every_line(login):
    client = login("ada@example.com")

    response = client.post("/accounts/orders/DEMO-1003/buy-again/")

    assert response.status_code == 302
    assert basket_of("ada@example.com").lines.count() == Order.objects.get(number="DEMO-1003").lines.count()


def test_a_design_that_no_longer_validates_is_refused_with_the_reason_and_a_way_to_adjust(login):
    client = login("ada@example.com")
    line = configured_line("DEMO-1002")
    attribute = line.attributes.get()
    data = json.loads(attribute.value)
    option = Option.objects.filter(family__slug=data["family"], kind="choice").first()
    data["values"][option.code] = "discontinued-choice"
    attribute.value = json.dumps(data)
    attribute.save()

    response = client.post(f"/accounts/orders/DEMO-1002/{line.pk}/", {"action": "reorder"}, follow=True)

    html = response.content.decode()
    assert "no longer fits our current options" in html
    assert f"/configure/{data['family']}/?" in html
    assert basket_of("ada@example.com") is None or not basket_of("ada@example.com").lines.exists()


def test_a_get_on_the_line_address_just_shows_the_order(login):
    line = configured_line("DEMO-1002")

    response = login("ada@example.com").get(f"/accounts/orders/DEMO-1002/{line.pk}/")

    assert response.status_code == 302 and response["Location"] == "/accounts/orders/DEMO-1002/"


def test_buy_again_needs_csrf(client, django_user_model):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(django_user_model.objects.get(email="ada@example.com"))

    assert strict.post("/accounts/orders/DEMO-1003/buy-again/").status_code == 403
