"""A shopper's paid made-to-order order on the fake Stripe, released to production, to cancel."""

import pytest
from django.test import Client

from tests.factories import CustomerFactory
from tests.payments import conftest as payments
from tests.payments.test_stripe_checkout import _signed, confirm_in_browser

# The payments tests' fixtures: checkout through Oscar's views, the shop on the fake Stripe.
checkout = payments.checkout
stripe_mode = payments.stripe_mode
refunded_events = payments.refunded_events


@pytest.fixture
def shopper(client):
    customer = CustomerFactory(first_name="Ada", last_name="Byron")
    client.force_login(customer)
    return customer


@pytest.fixture
def paid_order(shopper, checkout, stripe_mode, stripe_client):
    """Ada's fridge, paid through Stripe (the webhook), released to production and earning points."""
    checkout.add_configured("atelier-fridge")
    order = checkout.place_order()
    intent_id = confirm_in_browser(stripe_mode, stripe_client, order)
    [event] = stripe_mode.events_of("payment_intent.succeeded", intent_id)
    checkout.post("/stripe/webhook/", **_signed(stripe_mode, event["id"]))
    order.refresh_from_db()
    assert order.status == "Paid"
    assert order.work_orders.exists()
    return order


@pytest.fixture
def other_customer():
    client = Client()
    client.force_login(CustomerFactory())
    return client
