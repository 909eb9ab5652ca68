"""The fake account's objects and the PaymentIntent lifecycle that moves them.

Guarantees:
- Objects are Stripe-shaped dicts (`object`, prefixed `id`, `livemode: false`, `created`,
  `metadata`) and are only ever handed out as deep copies, so a test cannot mutate state by
  accident and an event's `data.object` is the object as it was at that moment.
- Every state change appends an Event, in order, with `api_version` and `request` set.
- Transitions follow Stripe's lifecycle: requires_payment_method -> requires_confirmation ->
  (requires_action ->) succeeded | requires_capture -> succeeded; a failed attempt returns to
  requires_payment_method with `last_payment_error`; succeeded and canceled are terminal.
- All methods must be called with `lock` held (the HTTP layer holds it across idempotency
  lookup, execution and saving, so two requests with one key cannot both execute).
"""

from __future__ import annotations

import copy
import fnmatch
import hashlib
import json
import secrets
import string
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from . import errors
from .errors import StripeError
from .payment_methods import PAYMENT_METHOD_TOKENS, TestCard, card_for_number

#: The API version stripe-python 16.1.0 pins (`stripe/_api_version.py`); events carry it.
API_VERSION = "2026-10-28.endive"

_ALPHABET = string.ascii_letters + string.digits

# Stripe's minimum charge amounts (in the currency's minor unit) for the currencies a shop
# here would use; other currencies only need a positive amount.
MINIMUM_AMOUNTS = {"eur": 50, "usd": 50, "gbp": 30, "chf": 50, "cad": 50, "aud": 50, "sek": 300, "dkk": 250, "nok": 300}
MAXIMUM_AMOUNT = 99_999_999

CONFIRMABLE = ("requires_confirmation", "requires_payment_method", "requires_action")
CANCELABLE = ("requires_payment_method", "requires_capture", "requires_confirmation", "requires_action", "processing")
AMOUNT_EDITABLE = ("requires_payment_method", "requires_confirmation")
ALWAYS_EDITABLE = {"metadata", "description", "receipt_email", "expand"}

AUTHENTICATION_FAILED = (
    "The provided PaymentMethod has failed authentication. You can provide payment_method_data or a new "
    "PaymentMethod to attempt to fulfill this PaymentIntent again."
)
RETURN_URL_REQUIRED = (
    "A `return_url` must be specified because this Payment Intent is configured to automatically accept the "
    "payment methods enabled in the Dashboard, some of which may require a full page redirect to succeed. If you "
    "do not want to accept redirect-based payment methods, set `automatic_payment_methods[enabled]` to `true` and "
    "`automatic_payment_methods[allow_redirects]` to `never` when creating Setup Intents and Payment Intents."
)


def random_token(length: int = 24) -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


def new_id(prefix: str, length: int = 24) -> str:
    return f"{prefix}_{random_token(length)}"


def now() -> int:
    return int(time.time())


def _money(amount: int, currency: str) -> str:
    return f"{amount / 100:.2f} {currency}"


@dataclass
class IntentPrivate:
    """What Stripe knows about a PaymentIntent but does not put in its JSON."""

    return_url: str | None = None
    card: TestCard | None = None


@dataclass
class RequestContext:
    """The API request an event came from (`event.request`); None for dashboard-like actions."""

    request_id: str | None = None
    idempotency_key: str | None = None


class Store:
    """One fake Stripe account: objects by id, events in creation order, and their transitions.

    `base_url` gives the fake's address (for the 3DS URLs it hands out), `subscribers(type)` how
    many webhook endpoints will receive an event (its `pending_webhooks`), and `on_event` is
    told about each new event after it is stored (to queue webhook deliveries).
    """

    def __init__(
        self,
        *,
        api_version: str = API_VERSION,
        base_url: Callable[[], str] = lambda: "http://127.0.0.1",
        subscribers: Callable[[str], int] = lambda _type: 0,
        on_event: Callable[[dict[str, Any]], None] = lambda _event: None,
    ):
        self.api_version = api_version
        self.base_url = base_url
        self.subscribers = subscribers
        self.on_event = on_event
        self.lock = threading.RLock()
        self.request = RequestContext()
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.objects: dict[str, dict[str, Any]] = {}
            self.intent_private: dict[str, IntentPrivate] = {}
            #: The test card behind each PaymentMethod (not JSON, so kept beside the objects).
            self.cards: dict[str, TestCard] = {}
            self.events: list[dict[str, Any]] = []
            #: The exact bytes each event is delivered with: a duplicate delivery is byte-identical.
            self.event_payloads: dict[str, bytes] = {}

    # --- reading -----------------------------------------------------------------------------

    def get(self, kind: str, object_id: str, *, param: str = "id", status: int = 404) -> dict[str, Any]:
        obj = self.objects.get(object_id)
        if obj is None or obj["object"] != kind:
            raise errors.resource_missing(kind, object_id, param=param, status=status)
        return obj

    def of_kind(self, kind: str) -> list[dict[str, Any]]:
        return [copy.deepcopy(o) for o in self.objects.values() if o["object"] == kind]

    def intent_for_client_secret(self, client_secret: str) -> dict[str, Any]:
        intent_id = client_secret.split("_secret_")[0]
        intent = self.objects.get(intent_id)
        if intent is None or intent.get("client_secret") != client_secret:
            raise errors.resource_missing("payment_intent", intent_id, param="client_secret", status=400)
        return intent

    # --- events ------------------------------------------------------------------------------

    def _emit(self, type_: str, obj: dict[str, Any], previous: dict[str, Any] | None = None) -> dict[str, Any]:
        data: dict[str, Any] = {"object": copy.deepcopy(obj)}
        if previous:
            data["previous_attributes"] = previous
        event = {
            "id": new_id("evt"),
            "object": "event",
            "api_version": self.api_version,
            "created": now(),
            "data": data,
            "livemode": False,
            "pending_webhooks": self.subscribers(type_),
            "request": {"id": self.request.request_id, "idempotency_key": self.request.idempotency_key},
            "type": type_,
        }
        self.events.append(event)
        self.objects[event["id"]] = event
        # Stripe pretty-prints webhook bodies; signatures are over these exact bytes.
        self.event_payloads[event["id"]] = json.dumps(event, indent=2).encode()
        self.on_event(copy.deepcopy(event))
        return event

    def list_events(self, params: dict[str, Any]) -> dict[str, Any]:
        """Newest first, like Stripe's List Events, with cursor pagination."""
        events = list(reversed(self.events))
        if params.get("type"):
            events = [e for e in events if fnmatch.fnmatchcase(e["type"], params["type"])]
        if params.get("types"):
            if len(params["types"]) > 20:
                raise errors.parameter_invalid("types", "You may pass at most 20 event types.")
            events = [e for e in events if e["type"] in params["types"]]
        if params.get("delivery_success") is not None:
            wanted = params["delivery_success"]
            events = [e for e in events if (e["pending_webhooks"] == 0) == wanted]
        for op, value in (params.get("created") or {}).items():
            if value is None:
                continue
            test = {
                "eq": lambda c, v: c == v,
                "gt": lambda c, v: c > v,
                "gte": lambda c, v: c >= v,
                "lt": lambda c, v: c < v,
                "lte": lambda c, v: c <= v,
            }[op]
            events = [e for e in events if test(e["created"], value)]
        limit = params.get("limit") or 10
        if params.get("starting_after"):
            index = self._cursor(events, params["starting_after"], "starting_after")
            page = events[index + 1 : index + 1 + limit]
            has_more = len(events) > index + 1 + limit
        elif params.get("ending_before"):
            index = self._cursor(events, params["ending_before"], "ending_before")
            page = events[max(0, index - limit) : index]
            has_more = index - limit > 0
        else:
            page = events[:limit]
            has_more = len(events) > limit
        return {"object": "list", "data": copy.deepcopy(page), "has_more": has_more, "url": "/v1/events"}

    def _cursor(self, events: list[dict[str, Any]], event_id: str, param: str) -> int:
        if event_id not in self.objects or self.objects[event_id]["object"] != "event":
            raise errors.resource_missing("event", event_id, param=param, status=400)
        for index, event in enumerate(events):
            if event["id"] == event_id:
                return index
        # The cursor exists but was filtered out: an empty page, as Stripe gives.
        return len(events)

    # --- payment methods ---------------------------------------------------------------------

    def _new_payment_method(self, card: TestCard) -> dict[str, Any]:
        pm = {
            "id": new_id("pm"),
            "object": "payment_method",
            "billing_details": {"address": None, "email": None, "name": None, "phone": None},
            "card": {
                "brand": card.brand,
                "country": "US",
                "exp_month": 12,
                "exp_year": time.gmtime().tm_year + 3,
                # As on Stripe: the same card number, the same fingerprint, on every payment.
                "fingerprint": hashlib.sha256(card.number.encode()).hexdigest()[:16],
                "funding": card.funding,
                "last4": card.last4,
                "three_d_secure_usage": {"supported": True},
            },
            "created": now(),
            "customer": None,
            "livemode": False,
            "metadata": {},
            "type": "card",
        }
        self.objects[pm["id"]] = pm
        self.cards[pm["id"]] = card
        return pm

    def payment_method_for(self, value: str) -> dict[str, Any]:
        """Resolve a `payment_method` parameter: a magic `pm_card_*` id makes a new PaymentMethod."""
        if value in PAYMENT_METHOD_TOKENS:
            return self._new_payment_method(PAYMENT_METHOD_TOKENS[value])
        return self.get("payment_method", value, param="payment_method", status=400)

    def payment_method_for_card_number(self, number: str) -> dict[str, Any]:
        return self._new_payment_method(card_for_number(number))

    # --- payment intents ---------------------------------------------------------------------

    def _check_amount(self, amount: int, currency: str, param: str = "amount") -> None:
        minimum = MINIMUM_AMOUNTS.get(currency, 1)
        if amount < minimum:
            raise StripeError(
                400,
                "invalid_request_error",
                f"Amount must be at least {_money(minimum, currency)}",
                code="amount_too_small",
                param=param,
                saved=False,
            )
        if amount > MAXIMUM_AMOUNT:
            raise StripeError(
                400,
                "invalid_request_error",
                f"Amount must be no more than {_money(MAXIMUM_AMOUNT, currency)}",
                code="amount_too_large",
                param=param,
                saved=False,
            )

    @staticmethod
    def _needs_return_url(intent: dict[str, Any]) -> bool:
        apm = intent.get("automatic_payment_methods")
        return bool(apm and apm.get("enabled") and apm.get("allow_redirects") != "never")

    def create_payment_intent(self, params: dict[str, Any]) -> dict[str, Any]:
        currency = params["currency"].lower()
        if len(currency) != 3 or not currency.isalpha():
            raise errors.parameter_invalid("currency", f"Invalid currency: {params['currency']}.")
        self._check_amount(params["amount"], currency)
        apm, types = params.get("automatic_payment_methods"), params.get("payment_method_types")
        if apm is not None and types is not None:
            raise errors.invalid_request(
                "You may only specify one of these parameters: automatic_payment_methods, payment_method_types.",
                param="automatic_payment_methods",
                saved=False,
            )
        if apm is None and types is None:
            # Since API version 2023-08-16 automatic payment methods are on unless types are given.
            apm = {"enabled": True}
        if apm is not None:
            if apm.get("enabled") is None:
                raise errors.parameter_missing("automatic_payment_methods[enabled]")
            apm = {"allow_redirects": "always", **apm} if apm["enabled"] else {"enabled": False}
            types = ["card"]
        if params.get("return_url") and not params.get("confirm"):
            raise errors.invalid_request(
                "The parameter return_url can only be passed when confirm is set to true.",
                param="return_url",
                saved=False,
            )
        intent_id = new_id("pi")
        intent = {
            "id": intent_id,
            "object": "payment_intent",
            "amount": params["amount"],
            "amount_capturable": 0,
            "amount_received": 0,
            "application": None,
            "application_fee_amount": None,
            "automatic_payment_methods": apm if apm and apm["enabled"] else None,
            "canceled_at": None,
            "cancellation_reason": None,
            "capture_method": params.get("capture_method") or "automatic_async",
            "client_secret": f"{intent_id}_secret_{random_token(25)}",
            "confirmation_method": "automatic",
            "created": now(),
            "currency": currency,
            "customer": params.get("customer"),
            "description": params.get("description"),
            "last_payment_error": None,
            "latest_charge": None,
            "livemode": False,
            "metadata": {k: v for k, v in (params.get("metadata") or {}).items() if v != ""},
            "next_action": None,
            "on_behalf_of": None,
            "payment_method": None,
            "payment_method_options": {"card": {"request_three_d_secure": "automatic"}},
            "payment_method_types": types,
            "processing": None,
            "receipt_email": params.get("receipt_email"),
            "review": None,
            "setup_future_usage": None,
            "shipping": None,
            "statement_descriptor": params.get("statement_descriptor"),
            "statement_descriptor_suffix": params.get("statement_descriptor_suffix"),
            "status": "requires_payment_method",
            "transfer_data": None,
            "transfer_group": None,
        }
        if params.get("confirm"):
            # Checked before anything is stored: Stripe refuses the whole create call.
            self._check_confirmable(intent, params)
        pm = self.payment_method_for(params["payment_method"]) if params.get("payment_method") else None
        if pm:
            intent["payment_method"] = pm["id"]
            intent["status"] = "requires_confirmation"
        self.objects[intent_id] = intent
        self.intent_private[intent_id] = IntentPrivate()
        self._emit("payment_intent.created", intent)
        if params.get("confirm"):
            self._attempt(intent, return_url=params.get("return_url"))
        return intent

    def update_payment_intent(self, intent_id: str, params: dict[str, Any]) -> dict[str, Any]:
        intent = self.get("payment_intent", intent_id)
        restricted = sorted(k for k in params if k not in ALWAYS_EDITABLE)
        if restricted and intent["status"] not in AMOUNT_EDITABLE:
            raise errors.unexpected_state(
                f"You cannot update {restricted[0]} on this PaymentIntent because it has a status of "
                f"{intent['status']}. Only a PaymentIntent with one of the following statuses may be updated: "
                f"{', '.join(AMOUNT_EDITABLE)}.",
                param=restricted[0],
            )
        currency = (params.get("currency") or intent["currency"]).lower()
        if "amount" in params or "currency" in params:
            self._check_amount(params.get("amount") or intent["amount"], currency)
        for key in ("amount", "description", "receipt_email", "capture_method"):
            if key in params:
                intent[key] = params[key]
        intent["currency"] = currency
        if "metadata" in params:
            intent["metadata"] = _merge_metadata(intent["metadata"], params["metadata"])
        if params.get("payment_method"):
            intent["payment_method"] = self.payment_method_for(params["payment_method"])["id"]
            intent["status"] = "requires_confirmation"
        return intent

    def _check_confirmable(self, intent: dict[str, Any], params: dict[str, Any]) -> None:
        if intent["status"] not in CONFIRMABLE:
            raise errors.unexpected_state(
                f"You cannot confirm this PaymentIntent because it has a status of {intent['status']}. Only a "
                f"PaymentIntent with one of the following statuses may be confirmed: {', '.join(CONFIRMABLE)}.",
                payment_intent=copy.deepcopy(intent),
            )
        if not params.get("payment_method") and not intent["payment_method"]:
            raise errors.unexpected_state(
                "You cannot confirm this PaymentIntent because it's missing a payment method. To confirm the "
                "PaymentIntent with a payment method, pass `payment_method`.",
                param="payment_method",
                payment_intent=copy.deepcopy(intent),
            )
        return_url = params.get("return_url")
        if return_url and "://" not in return_url:
            raise errors.parameter_invalid("return_url", f"Not a valid URL: {return_url}", "url_invalid")
        if self._needs_return_url(intent) and not return_url:
            raise errors.invalid_request(RETURN_URL_REQUIRED, param="return_url", saved=False)

    def confirm_payment_intent(self, intent_id: str, params: dict[str, Any]) -> dict[str, Any]:
        intent = self.get("payment_intent", intent_id)
        self._check_confirmable(intent, params)
        if params.get("payment_method"):
            intent["payment_method"] = self.payment_method_for(params["payment_method"])["id"]
        self._attempt(intent, return_url=params.get("return_url"))
        return intent

    def confirm_with_card_number(self, intent: dict[str, Any], number: str, return_url: str | None):
        """What Stripe.js does for the Payment Element: a PaymentMethod from the typed card, then confirm."""
        pm = self.payment_method_for_card_number(number)
        self._check_confirmable(intent, {"payment_method": pm["id"], "return_url": return_url})
        intent["payment_method"] = pm["id"]
        self._attempt(intent, return_url=return_url)
        return intent

    def _attempt(self, intent: dict[str, Any], *, return_url: str | None) -> None:
        """One payment attempt with the intent's PaymentMethod; a decline raises a 402 CardError."""
        pm = self.objects[intent["payment_method"]]
        card = self.cards[pm["id"]]
        private = self.intent_private[intent["id"]]
        private.return_url = return_url
        private.card = card
        intent["last_payment_error"] = None
        intent["next_action"] = None
        if card.outcome == "succeed":
            self._succeed(intent, pm)
        elif card.outcome == "authenticate":
            intent["status"] = "requires_action"
            intent["next_action"] = self._next_action(intent, return_url)
            self._emit("payment_intent.requires_action", intent)
        else:
            self._decline(intent, pm, card)

    def _next_action(self, intent: dict[str, Any], return_url: str | None) -> dict[str, Any]:
        query = {"return_url": return_url} if return_url else {}
        url = f"{self.base_url()}/_test/3ds/{intent['id']}" + (f"?{urlencode(query)}" if query else "")
        if return_url:
            return {"type": "redirect_to_url", "redirect_to_url": {"url": url, "return_url": return_url}}
        # Without a return_url Stripe hands the challenge to Stripe.js (handleNextAction).
        return {"type": "use_stripe_sdk", "use_stripe_sdk": {"type": "three_d_secure_redirect", "stripe_js": url}}

    def _new_charge(self, intent: dict[str, Any], pm: dict[str, Any], *, status: str, card: TestCard | None = None):
        captured = status == "succeeded" and intent["capture_method"] != "manual"
        charge = {
            "id": new_id("ch"),
            "object": "charge",
            "amount": intent["amount"],
            "amount_captured": intent["amount"] if captured else 0,
            "amount_refunded": 0,
            "balance_transaction": new_id("txn") if captured else None,
            "captured": captured,
            "created": now(),
            "currency": intent["currency"],
            "description": intent["description"],
            "failure_code": card.code if card else None,
            "failure_message": card.message if card else None,
            "livemode": False,
            "metadata": dict(intent["metadata"]),
            "outcome": {
                "network_status": "approved_by_network" if status == "succeeded" else "declined_by_network",
                "reason": card.decline_code if card else None,
                "risk_level": "normal",
                "seller_message": "Payment complete."
                if status == "succeeded"
                else "The bank did not return any further details with this decline.",
                "type": "authorized" if status == "succeeded" else "issuer_declined",
            },
            "paid": status == "succeeded",
            "payment_intent": intent["id"],
            "payment_method": pm["id"],
            "payment_method_details": {
                "type": "card",
                "card": {"brand": pm["card"]["brand"], "last4": pm["card"]["last4"], "funding": pm["card"]["funding"]},
            },
            "receipt_email": intent["receipt_email"],
            "refunded": False,
            "status": status,
        }
        self.objects[charge["id"]] = charge
        intent["latest_charge"] = charge["id"]
        return charge

    def _succeed(self, intent: dict[str, Any], pm: dict[str, Any]) -> None:
        charge = self._new_charge(intent, pm, status="succeeded")
        self._emit("charge.succeeded", charge)
        if intent["capture_method"] == "manual":
            intent["status"] = "requires_capture"
            intent["amount_capturable"] = intent["amount"]
            self._emit("payment_intent.amount_capturable_updated", intent)
        else:
            intent["status"] = "succeeded"
            intent["amount_received"] = intent["amount"]
            self._emit("payment_intent.succeeded", intent)

    def _decline(self, intent: dict[str, Any], pm: dict[str, Any], card: TestCard) -> None:
        charge = self._new_charge(intent, pm, status="failed", card=card)
        error = {
            "charge": charge["id"],
            "code": card.code,
            "decline_code": card.decline_code,
            "doc_url": f"https://docs.stripe.com/error-codes/{(card.code or '').replace('_', '-')}",
            "message": card.message,
            "payment_method": copy.deepcopy(pm),
            "type": "card_error",
        }
        intent["status"] = "requires_payment_method"
        intent["payment_method"] = None  # Stripe detaches a failed method so the next attempt needs a new one
        intent["last_payment_error"] = error
        self._emit("charge.failed", charge)
        self._emit("payment_intent.payment_failed", intent)
        raise StripeError(
            402,
            "card_error",
            card.message or "Your card was declined.",
            code=card.code,
            decline_code=card.decline_code,
            charge=charge["id"],
            payment_method=copy.deepcopy(pm),
            payment_intent=copy.deepcopy(intent),
        )

    def authenticate(self, intent_id: str, success: bool) -> dict[str, Any]:
        """Complete or fail the 3D Secure challenge of an intent in requires_action."""
        intent = self.get("payment_intent", intent_id)
        if intent["status"] != "requires_action":
            raise errors.unexpected_state(
                f"This PaymentIntent has a status of {intent['status']}; only requires_action can be authenticated."
            )
        pm = self.objects[intent["payment_method"]]
        intent["next_action"] = None
        if success:
            self._succeed(intent, pm)
        else:
            intent["status"] = "requires_payment_method"
            intent["payment_method"] = None
            intent["last_payment_error"] = {
                "code": "payment_intent_authentication_failure",
                "doc_url": "https://docs.stripe.com/error-codes/payment-intent-authentication-failure",
                "message": AUTHENTICATION_FAILED,
                "payment_method": copy.deepcopy(pm),
                "type": "invalid_request_error",
            }
            self._emit("payment_intent.payment_failed", intent)
        return intent

    def return_url_of(self, intent_id: str) -> str | None:
        private = self.intent_private.get(intent_id)
        return private.return_url if private else None

    def cancel_payment_intent(self, intent_id: str, params: dict[str, Any]) -> dict[str, Any]:
        intent = self.get("payment_intent", intent_id)
        if intent["status"] not in CANCELABLE:
            raise errors.unexpected_state(
                f"You cannot cancel this PaymentIntent because it has a status of {intent['status']}. Only a "
                f"PaymentIntent with one of the following statuses may be canceled: {', '.join(CANCELABLE)}.",
                payment_intent=copy.deepcopy(intent),
            )
        intent["status"] = "canceled"
        intent["canceled_at"] = now()
        intent["cancellation_reason"] = params.get("cancellation_reason")
        intent["next_action"] = None
        intent["amount_capturable"] = 0
        self._emit("payment_intent.canceled", intent)
        return intent

    def capture_payment_intent(self, intent_id: str, params: dict[str, Any]) -> dict[str, Any]:
        intent = self.get("payment_intent", intent_id)
        if intent["status"] != "requires_capture":
            raise errors.unexpected_state(
                f"This PaymentIntent could not be captured because it has a status of {intent['status']}. Only a "
                "PaymentIntent with one of the following statuses may be captured: requires_capture.",
                payment_intent=copy.deepcopy(intent),
            )
        amount = params.get("amount_to_capture") or intent["amount_capturable"]
        if amount > intent["amount_capturable"]:
            raise errors.invalid_request(
                "The amount_to_capture must be less than or equal to the amount_capturable "
                f"({intent['amount_capturable']}).",
                param="amount_to_capture",
                code="amount_too_large",
            )
        if "metadata" in params:
            intent["metadata"] = _merge_metadata(intent["metadata"], params["metadata"])
        charge = self.objects[intent["latest_charge"]]
        charge.update(captured=True, amount_captured=amount, balance_transaction=new_id("txn"))
        # Capturing less than authorised releases (refunds) the rest, as Stripe does.
        charge["amount_refunded"] = charge["amount"] - amount
        intent.update(status="succeeded", amount_received=amount, amount_capturable=0)
        self._emit("charge.captured", charge)
        self._emit("payment_intent.succeeded", intent)
        return intent

    # --- refunds -----------------------------------------------------------------------------

    def create_refund(self, params: dict[str, Any]) -> dict[str, Any]:
        if params.get("payment_intent") and params.get("charge"):
            raise errors.invalid_request(
                "You can only pass one of these parameters: charge, payment_intent.", param="charge", saved=False
            )
        if params.get("payment_intent"):
            intent = self.get("payment_intent", params["payment_intent"], param="payment_intent", status=400)
            charge = self.objects.get(intent["latest_charge"] or "")
            if charge is None or not charge["captured"]:
                raise errors.unexpected_state(
                    f"This PaymentIntent ({intent['id']}) does not have a successful charge to refund.",
                    param="payment_intent",
                )
        elif params.get("charge"):
            charge = self.get("charge", params["charge"], param="charge", status=400)
            if not charge["captured"]:
                raise errors.invalid_request(
                    f"Charge {charge['id']} has not been captured.", param="charge", code="charge_not_refundable"
                )
        else:
            raise errors.invalid_request(
                "One of the following params should be provided for this request: payment_intent or charge.",
                saved=False,
            )
        remaining = charge["amount_captured"] - charge["amount_refunded"]
        if remaining <= 0:
            raise errors.invalid_request(
                f"Charge {charge['id']} has already been refunded.", code="charge_already_refunded"
            )
        amount = params.get("amount") or remaining
        if amount > remaining:
            raise errors.invalid_request(
                f"Refund amount ({_money(amount, charge['currency'])}) is greater than unrefunded amount on charge "
                f"({_money(remaining, charge['currency'])})",
                param="amount",
                code="amount_too_large",
            )
        refund = {
            "id": new_id("re"),
            "object": "refund",
            "amount": amount,
            "balance_transaction": new_id("txn"),
            "charge": charge["id"],
            "created": now(),
            "currency": charge["currency"],
            "destination_details": {"card": {"type": "refund"}, "type": "card"},
            "metadata": {k: v for k, v in (params.get("metadata") or {}).items() if v != ""},
            "payment_intent": charge["payment_intent"],
            "reason": params.get("reason"),
            "receipt_number": None,
            "status": "succeeded",
        }
        self.objects[refund["id"]] = refund
        charge["amount_refunded"] += amount
        charge["refunded"] = charge["amount_refunded"] >= charge["amount"]
        self._emit("refund.created", refund)
        self._emit("charge.refunded", charge)
        return refund

    def update_refund(self, refund_id: str, params: dict[str, Any]) -> dict[str, Any]:
        refund = self.get("refund", refund_id)
        if "metadata" in params:
            previous = {"metadata": dict(refund["metadata"])}
            refund["metadata"] = _merge_metadata(refund["metadata"], params["metadata"])
            self._emit("refund.updated", refund, previous)
        return refund

    def fail_refund(self, refund_id: str, reason: str = "expired_or_canceled_card") -> dict[str, Any]:
        """A refund the card network bounces later (test hook): the amount goes back on the charge."""
        refund = self.get("refund", refund_id)
        if refund["status"] != "succeeded":
            raise errors.invalid_request(f"Refund {refund_id} has a status of {refund['status']}.")
        charge = self.objects[refund["charge"]]
        charge["amount_refunded"] -= refund["amount"]
        charge["refunded"] = False
        refund.update(status="failed", failure_reason=reason, failure_balance_transaction=new_id("txn"))
        self._emit("refund.updated", refund, {"status": "succeeded"})
        self._emit("refund.failed", refund)
        return refund


def _merge_metadata(current: dict[str, str], update: dict[str, str] | str) -> dict[str, str]:
    """Stripe merges metadata: a key set to "" is removed, and `metadata=""` clears all keys."""
    if update == "":
        return {}
    merged = dict(current)
    for key, value in update.items():
        if value == "":
            merged.pop(key, None)
        else:
            merged[key] = value
    return merged
