"""Every way into the basket refuses a line above the limit at entry, in words; nothing is stored."""

import pytest
from oscar.core.loading import get_model

from tests.basket.conftest import add_tee, family_withdrawn
from tests.basket.test_bad_lines import messages_of

pytestmark = pytest.mark.django_db

Basket = get_model("basket", "Basket")
Line = get_model("basket", "Line")
Order = get_model("order", "Order")

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


def test_buying_a_big_order_again_past_the_limit_is_refused_with_the_reason(login):
    client = login("ada@example.com")
    line = Order.objects.get(number="DEMO-1003").lines.get(product__upc="ATL-TEE")
    type(line).objects.filter(pk=line.pk).update(quantity=300)

    client.post(f"/accounts/orders/DEMO-1003/{line.pk}/", {"action": "reorder"})
    response = client.post(f"/accounts/orders/DEMO-1003/{line.pk}/", {"action": "reorder"}, follow=True)

    basket = Basket.objects.get(owner__email="ada@example.com", status=Basket.OPEN)
    assert list(basket.lines.values_list("quantity", flat=True)) == [300]
    assert any("your basket already holds 300 of this design" in message for message in messages_of(response))


def test_buying_again_a_withdrawn_design_says_it_is_no_longer_sold(login):
    client = login("ada@example.com")
    line = Order.objects.get(number="DEMO-1003").lines.get(product__upc="ATL-TEE")
    family_withdrawn(line)

    response = client.post(f"/accounts/orders/DEMO-1003/{line.pk}/", {"action": "reorder"}, follow=True)

    assert response.status_code == 200
    assert "Custom Printed T-shirt is no longer sold." in messages_of(response)
    assert not Line.objects.filter(basket__owner__email="ada@example.com", basket__status=Basket.OPEN).exists()


def test_buying_again_a_line_whose_design_cannot_be_read_says_so(login):
    client = login("ada@example.com")
    line = Order.objects.get(number="DEMO-1003").lines.get(product__upc="ATL-TEE")
    line.attributes.update(value="{not json")

    response = client.post("/accounts/orders/DEMO-1003/buy-again/", follow=True)

    assert response.status_code == 200
    assert "Custom Printed T-shirt can no longer be ordered again." in messages_of(response)
    basket = Basket.objects.get(owner__email="ada@example.com", status=Basket.OPEN)
    assert list(basket.lines.values_list("product__upc", flat=True)) == ["ATL-TOTE"]


def test_a_design_of_an_unpublished_product_is_refused_at_entry(client):
    get_model("catalogue", "Product").objects.filter(upc="ATL-TEE").update(is_public=False)

    response = client.post("/configure/printed-tee/", {"action": "basket"})

    assert response.status_code == 422
    assert "Not added to your basket: This product is no longer sold." in messages_of(response)
    assert not Line.objects.filter(product__upc="ATL-TEE", basket__status=Basket.OPEN).exists()
