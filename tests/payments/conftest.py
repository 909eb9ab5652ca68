"""Checkout through Oscar's real views; payments through the demo gateway or the fake Stripe."""

import time

import pytest
from django.db import transaction
from oscar.core.loading import get_model

from portal import events
from portal import reconcile as reconcilers
from tests.fakestripe.fixtures import TEST_PUBLISHABLE_KEY, TEST_SECRET_KEY
from tests.fakestripe.webhooks import signature_header

Order = get_model("order", "Order")
WEBHOOK_SECRET = "whsec_atelier_test_secret"
ADDRESS = {
    "first_name": "Grace",
    "last_name": "Hopper",
    "line1": "1 Compiler Row",
    "line4": "York",
    "postcode": "YO1 7HH",
    "country": "GB",
    "phone_number": "",
}


@pytest.fixture
def stripe_mode(settings, fake_stripe):
    """The shop on Stripe (the fake), webhooks delivered by the test, not automatically."""
    settings.STRIPE_SECRET_KEY = TEST_SECRET_KEY
    settings.STRIPE_PUBLISHABLE_KEY = TEST_PUBLISHABLE_KEY
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_API_BASE = fake_stripe.api_base
    fake_stripe.auto_deliver = False
    return fake_stripe


@pytest.fixture
def demo_mode(settings):
    settings.STRIPE_SECRET_KEY = ""
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET


def post_event(client, fake, event_id, *, secret=WEBHOOK_SECRET, timestamp=None):
    """Deliver one of the fake's events to our webhook, signed exactly as Stripe signs it."""
    payload = fake.store.event_payloads[event_id]
    header = signature_header(payload, secret, int(timestamp or time.time()))
    return client.post("/stripe/webhook/", data=payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=header)


class Checkout:
    """Drives a shopper through checkout with the Django test client."""

    def __init__(self, client, capture_on_commit):
        self.client = client
        # Payments send their facts after commit; tests run inside a transaction that never
        # commits, so each paying request runs its on-commit callbacks as it ends.
        self.capture = capture_on_commit

    def add_configured(self, slug="atelier-fridge", **values):
        response = self.client.post(f"/configure/{slug}/", {"action": "basket", **values})
        assert response.status_code == 302, response.content.decode()[:400]

    def add_stocked(self, upc="ATL-FILTER", quantity=1):
        product = get_model("catalogue", "Product").objects.get(upc=upc)
        response = self.client.post(f"/basket/add/{product.pk}/", {"quantity": quantity})
        assert response.status_code == 302

    def to_preview(self, guest_email="grace@example.com", method="standard"):
        index = self.client.get("/checkout/")
        if index.status_code == 200:  # the guest gateway: not signed in
            self.client.post("/checkout/", {"username": guest_email, "options": "anonymous"})
        self.client.post("/checkout/shipping-address/", ADDRESS)
        self.client.post("/checkout/shipping-method/", {"method_code": method})
        preview = self.client.get("/checkout/preview/")
        assert preview.status_code == 200, preview.get("Location")
        return preview

    def place_order(self, **kwargs):
        preview = self.to_preview(**kwargs)
        response = self.client.post(
            "/checkout/preview/",
            {"action": "place_order", "basket_fingerprint": preview.context["basket_fingerprint"]},
        )
        assert response.status_code == 302, response.content.decode()[:600]
        assert response["Location"].startswith("/checkout/pay/"), response["Location"]
        return Order.objects.get(number=response["Location"].split("/")[3])

    def pay_demo(self, order, card="4242 4242 4242 4242"):
        with self.capture(execute=True):
            return self.client.post(f"/checkout/pay/{order.number}/", {"card_number": card})

    def post(self, url, data=None, **kwargs):
        with self.capture(execute=True):
            return self.client.post(url, data, **kwargs)


@pytest.fixture
def checkout(client, django_capture_on_commit_callbacks):
    return Checkout(client, django_capture_on_commit_callbacks)


def _told(monkeypatch, fact, entry):
    """What `portal.events.<fact>` was told, recorded as each transaction that told it commits."""
    told = []
    tell = getattr(events, fact)

    def recording(*args):
        tell(*args)
        transaction.on_commit(lambda: told.append(entry(*args)))

    monkeypatch.setattr(events, fact, recording)
    return told


@pytest.fixture
def paid_events(monkeypatch):
    """Numbers of the orders `order_paid` was told of, once committed."""
    return _told(monkeypatch, "order_paid", lambda order: order.number)


@pytest.fixture
def refunded_events(monkeypatch):
    """(number, amount) of each committed `order_refunded`."""
    return _told(monkeypatch, "order_refunded", lambda order, amount, refund_reference: (order.number, amount))


def reconcile(name):
    """One row of portal/reconcile.py, now, whether it is due or not; how many causes it did."""
    return reconcilers.run_one(reconcilers.by_name(name))
