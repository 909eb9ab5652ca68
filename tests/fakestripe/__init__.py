"""A local fake of the Stripe API for tests that use the real `stripe` library over HTTP.

Modules, by idea:
- server.py          `FakeStripe`: start/stop, inspection, test controls (the public API)
- handler.py         HTTP: auth, form parsing, idempotency, faults, request log
- api.py, forms.py   the `/v1` routes and their parameter schemas
- state.py           objects, events, and the PaymentIntent/refund lifecycle
- payment_methods.py Stripe's test cards and `pm_card_*` ids
- idempotency.py     saved answers per (API key, Idempotency-Key)
- faults.py          injected errors and timeouts
- webhooks.py        signing and delivering events
- control.py         `/_test/...` routes: 3DS page, Stripe.js confirm, remote controls
- browser.py         the Stripe.js stub for Playwright (static/stripe-stub.js)
- receiver.py        a tiny webhook endpoint for tests that have no Django server
- fixtures.py        pytest fixtures

Run it on its own with `python -m tests.fakestripe --port 12111`.
"""

from .payment_methods import CARD_NUMBERS, PAYMENT_METHOD_TOKENS, TestCard
from .server import FakeStripe
from .state import API_VERSION
from .webhooks import Delivery, WebhookEndpoint, signature_header

__all__ = [
    "API_VERSION",
    "CARD_NUMBERS",
    "PAYMENT_METHOD_TOKENS",
    "Delivery",
    "FakeStripe",
    "TestCard",
    "WebhookEndpoint",
    "signature_header",
]
