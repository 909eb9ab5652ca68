"""The `/v1` endpoints the fake implements: routes, parameter schemas, and calls into the store.

Each route names the exact parameters Stripe documents for it that the fake models. A
parameter Stripe accepts but the fake does not model is refused with `parameter_unknown` and a
message saying so, so nobody mistakes a gap in the fake for a typo, or the other way round.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import errors
from .forms import Bool, Enum, Int, ListOf, Metadata, Obj, Range, Schema, Str, validate
from .state import Store

CAPTURE_METHODS = Enum(("automatic", "automatic_async", "manual"))

PAYMENT_INTENT_CREATE = Schema(
    {
        "amount": Int(),
        "currency": Str(3),
        "metadata": Metadata(),
        "payment_method": Str(),
        "payment_method_types": ListOf(Str()),
        "automatic_payment_methods": Obj({"enabled": Bool(), "allow_redirects": Enum(("always", "never"))}),
        "confirm": Bool(),
        "return_url": Str(),
        "description": Str(1000),
        "receipt_email": Str(800),
        "capture_method": CAPTURE_METHODS,
    },
    required=("amount", "currency"),
)
PAYMENT_INTENT_UPDATE = Schema(
    {
        "amount": Int(),
        "currency": Str(3),
        "metadata": Metadata(),
        "payment_method": Str(),
        "description": Str(1000),
        "receipt_email": Str(800),
        "capture_method": CAPTURE_METHODS,
    }
)
PAYMENT_INTENT_CONFIRM = Schema({"payment_method": Str(), "return_url": Str()})
PAYMENT_INTENT_CANCEL = Schema(
    {"cancellation_reason": Enum(("duplicate", "fraudulent", "requested_by_customer", "abandoned"))}
)
PAYMENT_INTENT_CAPTURE = Schema({"amount_to_capture": Int(minimum=1), "metadata": Metadata()})
PAYMENT_INTENT_RETRIEVE = Schema({"client_secret": Str()})
REFUND_CREATE = Schema(
    {
        "payment_intent": Str(),
        "charge": Str(),
        "amount": Int(minimum=1),
        "reason": Enum(("duplicate", "fraudulent", "requested_by_customer")),
        "metadata": Metadata(),
    }
)
REFUND_UPDATE = Schema({"metadata": Metadata()})
EVENT_LIST = Schema(
    {
        "limit": Int(minimum=1, maximum=100),
        "starting_after": Str(),
        "ending_before": Str(),
        "type": Str(),
        "types": ListOf(Str()),
        "delivery_success": Bool(),
        "created": Range(),
    }
)
RETRIEVE = Schema()

#: Parameters real Stripe accepts on these endpoints that the fake does not model.
NOT_MODELLED = {
    "amount_details",
    "application_fee_amount",
    "confirmation_method",
    "confirmation_token",
    "customer",
    "error_on_requires_action",
    "instructions_email",
    "mandate",
    "mandate_data",
    "off_session",
    "on_behalf_of",
    "origin",
    "payment_method_configuration",
    "payment_method_data",
    "payment_method_options",
    "radar_options",
    "refund_application_fee",
    "reverse_transfer",
    "setup_future_usage",
    "shipping",
    "statement_descriptor",
    "statement_descriptor_suffix",
    "transfer_data",
    "transfer_group",
    "use_stripe_sdk",
}

#: Called as handler(store, params) or, for paths with an {id}, handler(store, id, params).
Handler = Callable[..., dict[str, Any]]


@dataclass(frozen=True)
class Route:
    method: str
    pattern: re.Pattern[str]
    schema: Schema
    handler: Handler


def _route(method: str, path: str, schema: Schema, handler: Handler) -> Route:
    regex = path.replace("{id}", r"(?P<id>[A-Za-z0-9_]+)")
    return Route(method, re.compile(f"^{regex}$"), schema, handler)


def _retrieve(kind: str) -> Handler:
    def retrieve(store: Store, object_id: str, params: dict[str, Any]) -> dict[str, Any]:
        return store.get(kind, object_id)

    return retrieve


ROUTES = [
    _route("POST", "/v1/payment_intents", PAYMENT_INTENT_CREATE, Store.create_payment_intent),
    _route("GET", "/v1/payment_intents/{id}", PAYMENT_INTENT_RETRIEVE, _retrieve("payment_intent")),
    _route("POST", "/v1/payment_intents/{id}", PAYMENT_INTENT_UPDATE, Store.update_payment_intent),
    _route("POST", "/v1/payment_intents/{id}/confirm", PAYMENT_INTENT_CONFIRM, Store.confirm_payment_intent),
    _route("POST", "/v1/payment_intents/{id}/cancel", PAYMENT_INTENT_CANCEL, Store.cancel_payment_intent),
    _route("POST", "/v1/payment_intents/{id}/capture", PAYMENT_INTENT_CAPTURE, Store.capture_payment_intent),
    _route("POST", "/v1/refunds", REFUND_CREATE, Store.create_refund),
    _route("GET", "/v1/refunds/{id}", RETRIEVE, _retrieve("refund")),
    _route("POST", "/v1/refunds/{id}", REFUND_UPDATE, Store.update_refund),
    _route("GET", "/v1/charges/{id}", RETRIEVE, _retrieve("charge")),
    _route("GET", "/v1/payment_methods/{id}", RETRIEVE, _retrieve("payment_method")),
    _route("GET", "/v1/events", EVENT_LIST, Store.list_events),
    _route("GET", "/v1/events/{id}", RETRIEVE, _retrieve("event")),
]


def find_route(method: str, path: str) -> tuple[Route, dict[str, str]]:
    for route in ROUTES:
        match = route.pattern.match(path)
        if match and route.method == method:
            return route, match.groupdict()
    raise errors.unrecognized_url(method, path)


def check_params(route: Route, tree: dict[str, Any]) -> dict[str, Any]:
    for key in tree:
        if key in NOT_MODELLED and key not in route.schema.fields:
            raise errors.StripeError(
                400,
                "invalid_request_error",
                f"Received unknown parameter: {key} (Stripe accepts it here, but the fake Stripe server does not "
                "model it; extend tests/fakestripe/api.py)",
                code="parameter_unknown",
                param=key,
                saved=False,
            )
    return validate(route.schema, tree)


def execute(store: Store, route: Route, match: dict[str, str], params: dict[str, Any]) -> dict[str, Any]:
    """Run the endpoint (with the store lock held by the caller) and return the JSON answer."""
    ids = (match["id"],) if "id" in match else ()
    return copy.deepcopy(route.handler(store, *ids, params))
