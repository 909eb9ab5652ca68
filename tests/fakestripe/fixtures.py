"""pytest fixtures for the fake Stripe server.

Import them into a conftest to use them:

    from tests.fakestripe.fixtures import fake_stripe, fake_stripe_session  # noqa: F401

- `fake_stripe_session` (session): one server for the whole run, stopped at the end.
- `fake_stripe` (function): that server, `reset()` before each test, so every test starts
  with no objects, events, keys, faults or webhooks, and automatic delivery on.
- `stripe_client` (function): a `stripe.StripeClient` on the fake, built the way the app
  builds its own (`base_addresses={"api": ...}`, `max_network_retries=2`).
- `fast_stripe_retries` (function): shrinks stripe-python's retry backoff (0.5 s, doubling) to
  milliseconds for the test; the retries themselves still happen, with the same keys.
- `webhook_receiver` (function): a loopback endpoint that records deliveries (receiver.py).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import stripe

from .receiver import WebhookReceiver
from .server import FakeStripe

TEST_SECRET_KEY = "sk_test_fakestripe_atelier"
TEST_PUBLISHABLE_KEY = "pk_test_fakestripe_atelier"


@pytest.fixture(scope="session")
def fake_stripe_session() -> Iterator[FakeStripe]:
    with FakeStripe() as server:
        yield server


@pytest.fixture
def fake_stripe(fake_stripe_session: FakeStripe) -> Iterator[FakeStripe]:
    fake_stripe_session.reset()
    yield fake_stripe_session
    # Deliveries still running would land in the next test's receiver; stop them here.
    fake_stripe_session.reset()


@pytest.fixture
def stripe_client(fake_stripe: FakeStripe) -> stripe.StripeClient:
    return stripe.StripeClient(TEST_SECRET_KEY, base_addresses={"api": fake_stripe.api_base}, max_network_retries=2)


@pytest.fixture
def fast_stripe_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    from stripe._http_client import HTTPClient

    monkeypatch.setattr(HTTPClient, "INITIAL_DELAY", 0.01)
    monkeypatch.setattr(HTTPClient, "MAX_DELAY", 0.05)


@pytest.fixture
def webhook_receiver() -> Iterator[WebhookReceiver]:
    with WebhookReceiver() as receiver:
        yield receiver
