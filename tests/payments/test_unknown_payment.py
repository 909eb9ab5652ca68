"""The pay page and the return from payment when the gateway does not know the order's payment:
a clear message, never a server error (an order from the demo data, another Stripe account)."""

from html import unescape

import pytest
from django.test import Client
from oscar.core.loading import get_model

from atelier.orders import OrderStatus
from portal.payments.models import DemoPayment
from portal.payments.services.payment_state import source_type
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db
Order = get_model("order", "Order")
User = get_model("users", "User")

MESSAGE = "We cannot find this order's payment at the payment provider"


def signed_in(email="ada@example.com"):
    client = Client()
    client.force_login(User.objects.get(email=email))
    return client


def pending_demo_order(checkout):
    """An order waiting for payment by the demo gateway, which has no record of its payment; its
    owner signed in on the checkout's client."""
    order = OrderFactory(status=OrderStatus.PENDING_PAYMENT)
    order.sources.create(
        source_type=source_type("Demo gateway"),
        currency=order.currency,
        amount_allocated=order.total_incl_tax,
        reference="demo_pi_unknown",
    )
    assert not DemoPayment.objects.filter(reference="demo_pi_unknown").exists()
    checkout.client.force_login(order.user)
    return order


def test_returning_to_a_demo_order_signed_in_as_its_owner_explains_instead_of_failing(demo_mode):
    ada = signed_in()

    response = ada.get("/checkout/return/DEMO-1004/", follow=True)

    assert response.status_code == 200
    assert MESSAGE in unescape(response.content.decode())
    assert Order.objects.get(number="DEMO-1004").status == "Paid"


def test_return_for_an_unpaid_order_with_an_unknown_payment_shows_the_pay_page_message(checkout, demo_mode):
    order = pending_demo_order(checkout)

    response = checkout.client.get(f"/checkout/return/{order.number}/")

    assert response.status_code == 302
    assert response["Location"] == f"/checkout/pay/{order.number}/"
    page = checkout.client.get(response["Location"])
    assert page.status_code == 200
    assert MESSAGE in unescape(page.content.decode())


@pytest.mark.parametrize("method", ["get", "post"])
def test_pay_page_of_an_order_whose_demo_payment_is_unknown_says_so_and_charges_nothing(checkout, demo_mode, method):
    order = pending_demo_order(checkout)

    response = getattr(checkout.client, method)(f"/checkout/pay/{order.number}/", {"card_number": "4242424242424242"})

    if method == "post":
        assert response.status_code == 302
        response = checkout.client.get(response["Location"])
    html = unescape(response.content.decode())
    assert response.status_code == 200
    assert MESSAGE in html
    assert 'id="pay-button"' not in html
    order.refresh_from_db()
    assert order.status == "Pending payment"
    assert order.notes.filter(note_type="Warning").count() == 1


def test_pay_page_of_an_order_stripe_does_not_know_says_so(checkout, stripe_mode):
    checkout.add_stocked()
    order = checkout.place_order()
    order.sources.update(reference="pi_0000000000unknownatstripe")

    response = checkout.client.get(f"/checkout/pay/{order.number}/")

    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert MESSAGE in html
    assert 'id="stripe-payment"' not in html


def test_return_for_an_order_stripe_does_not_know_says_so(checkout, stripe_mode):
    checkout.add_stocked()
    order = checkout.place_order()
    order.sources.update(reference="pi_0000000000unknownatstripe")

    response = checkout.client.get(f"/checkout/return/{order.number}/", follow=True)

    assert response.status_code == 200
    assert MESSAGE in unescape(response.content.decode())
