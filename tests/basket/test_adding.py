"""Every way into the basket refuses a line above the limit at entry, in words; nothing is stored."""

import pytest
from oscar.core.loading import get_model

from tests.basket.conftest import add_tee, family_withdrawn
from tests.basket.test_bad_lines import messages_of
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db

Basket = get_model("basket", "Basket")
Line = get_model("basket", "Line")

# A past order of a tee run and a tote run, as a customer would buy them again.
TEE = ("printed-tee", {"colour": "sage", "print_text": "Crew", "ink": "white"}, 3)
TOTE = ("printed-tote", {"print_text": "Allotment", "ink": "clay"}, 2)

TOO_MANY = (
    "Not added to your basket: your basket already holds 300 of this design. How many: the largest is 500 shirts."
)


def test_the_same_design_again_past_the_limit_is_refused_and_the_basket_kept(client):
    line = add_tee(client, quantity="300")

    response = client.post("/configure/printed-tee/", {"action": "basket", "quantity": "300"})

    assert response.status_code == 422
    assert TOO_MANY in messages_of(response)
    assert list(Line.objects.filter(basket=line.basket).values_list("quantity", flat=True)) == [300]


def test_the_same_design_up_to_the_limit_is_added_to_its_line(client):
    line = add_tee(client, quantity="300")

    add_tee(client, quantity="200")

    assert list(Line.objects.filter(basket=line.basket).values_list("quantity", flat=True)) == [500]


def test_a_design_above_the_limit_is_refused_by_the_configurator(client):
    response = client.post("/configure/printed-tee/", {"action": "basket", "quantity": "501"})

    assert response.status_code == 422
    assert "Not added to your basket: How many: the largest is 500 shirts." in messages_of(response)
    assert not Line.objects.filter(product__upc="ATL-TEE", basket__status=Basket.OPEN).exists()


@pytest.fixture
def past_order(client):
    """A delivered tee-and-tote order, its customer signed in on the client."""
    order = OrderFactory(status="Delivered", configured=[TEE, TOTE])
    client.force_login(order.user)
    return order


def tee_line(order):
    return order.lines.get(product__upc="ATL-TEE")


def test_buying_a_big_order_again_past_the_limit_is_refused_with_the_reason(client, past_order):
    line = tee_line(past_order)
    type(line).objects.filter(pk=line.pk).update(quantity=300)

    client.post(f"/accounts/orders/{past_order.number}/{line.pk}/", {"action": "reorder"})
    response = client.post(f"/accounts/orders/{past_order.number}/{line.pk}/", {"action": "reorder"}, follow=True)

    basket = Basket.objects.get(owner=past_order.user, status=Basket.OPEN)
    assert list(basket.lines.values_list("quantity", flat=True)) == [300]
    assert any("your basket already holds 300 of this design" in message for message in messages_of(response))


def test_buying_again_a_withdrawn_design_says_it_is_no_longer_sold(client, past_order):
    line = tee_line(past_order)
    family_withdrawn(line)

    response = client.post(f"/accounts/orders/{past_order.number}/{line.pk}/", {"action": "reorder"}, follow=True)

    assert response.status_code == 200
    assert "Custom Printed T-shirt is no longer sold." in messages_of(response)
    assert not Line.objects.filter(basket__owner=past_order.user, basket__status=Basket.OPEN).exists()


def test_buying_again_a_line_whose_design_cannot_be_read_says_so(client, past_order):
    tee_line(past_order).attributes.update(value="{not json")

    response = client.post(f"/accounts/orders/{past_order.number}/buy-again/", follow=True)

    assert response.status_code == 200
    assert "Custom Printed T-shirt can no longer be ordered again." in messages_of(response)
    basket = Basket.objects.get(owner=past_order.user, status=Basket.OPEN)
    assert list(basket.lines.values_list("product__upc", flat=True)) == ["ATL-TOTE"]


def test_a_design_of_an_unpublished_product_is_refused_at_entry(client):
    get_model("catalogue", "Product").objects.filter(upc="ATL-TEE").update(is_public=False)

    response = client.post("/configure/printed-tee/", {"action": "basket"})

    assert response.status_code == 422
    assert "Not added to your basket: This product is no longer sold." in messages_of(response)
    assert not Line.objects.filter(product__upc="ATL-TEE", basket__status=Basket.OPEN).exists()
