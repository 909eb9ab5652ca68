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

Deliberately left out (add them when the app needs them; a parameter Stripe has but the fake
does not model is refused with a message saying so, never silently ignored):
- other resources: Customers, SetupIntents, Checkout Sessions, Connect (`Stripe-Account` is
  ignored), disputes, payouts, balance transactions (only their ids), and list/search endpoints
  other than List Events; `expand` is accepted but ids stay ids;
- the `processing` status and asynchronous methods (SEPA, bank debits), so no
  `payment_intent.processing`; no confirmation limit; no off_session / setup_future_usage;
- one response shape (API version 2026-10-28.endive, what stripe 16.1.0 pins) whatever the
  `Stripe-Version` header says;
- idempotency keys never expire within a run, and a 5xx is only ever injected in front of an
  endpoint (Stripe also saves and replays a 500 raised while executing);
- webhook retries take about a second instead of three days, endpoints are never disabled, and
  only the `v1` signature is sent (no test-mode `v0`);
- Stripe.js: only the "payment" element with card fields, no iframes, Link or wallets; with
  `redirect: "if_required"` a 3DS card still leaves the page (Stripe shows a modal);
- error messages are close to Stripe's, not verbatim; types, codes, params and HTTP statuses
  are what the library acts on and follow Stripe.
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
