"""Stripe's webhook events: read, checked against Stripe when incomplete, applied once.

An event is stored as soon as its signature is verified, then applied; applying it and marking
it processed commit together, so a replay finds it done and changes nothing. A signed event
never gets a server error:

- applied (or deliberately ignored): 200, processed;
- one this shop cannot use (no object, an object Stripe does not know): 400 with the reason,
  stored and marked processed, so a replay gets the same answer;
- one that cannot be applied yet (a refund for a payment not recorded here, Stripe unreachable
  while checking an incomplete object, an unexpected error): 202, stored unprocessed and kept.
  Kept events are applied again when their payment is recorded and by their reconciler
  (portal/reconcile.py, every five minutes), for three days.

The payload is trusted only as far as it is complete and well typed: a payment or refund object
missing a field we check (amount, currency, the payment it belongs to) is fetched from Stripe
before anything is applied, and so is a refund larger than what is left to refund. Nothing is
fetched while a row is locked.
"""

import json
import logging
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from atelier.orders import UNPAID

from . import selectors
from .gateways import GatewayUnavailable, PaymentState, PaymentUnknown
from .models import StripeEvent
from .money import from_minor
from .services import payment_state, reported_refunds

logger = logging.getLogger(__name__)

PAYMENT_EVENTS = {
    "payment_intent.succeeded",
    "payment_intent.payment_failed",
    "payment_intent.canceled",
    "payment_intent.requires_action",
    "payment_intent.processing",
}
REFUND_EVENTS = {"refund.created", "refund.updated", "refund.failed"}
KEPT_FOR = timedelta(days=3)  # as long as Stripe itself retries an undelivered event


@dataclass(frozen=True)
class Answer:
    status: int
    text: str


class Rejected(Exception):
    """A signed event this shop cannot use; the message says why."""


class Kept(Exception):
    """An event that cannot be applied yet; the message says what it waits for."""


def stripe_gateway():
    from .gateways.stripe import StripeGateway

    return StripeGateway()


# --- Reading the payload ------------------------------------------------------------------------


def parse(body):
    """The event in a verified body, or None when it is not one (not JSON, no string id or type)."""
    try:
        event = json.loads(body)
    except ValueError:
        return None
    if not isinstance(event, dict) or not _text(event.get("id")) or not _text(event.get("type")):
        return None
    return event


def _text(value):
    return value if isinstance(value, str) and value else None


def _whole(value):
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _currency(value):
    return value.upper() if isinstance(value, str) and len(value) == 3 and value.isalpha() else None


def _object_of(payload):
    data = payload.get("data") if isinstance(payload, dict) else None
    obj = data.get("object") if isinstance(data, dict) else None
    return obj if isinstance(obj, dict) else None


def event_object(payload):
    obj = _object_of(payload)
    if obj is None:
        raise Rejected("the event has no data.object")
    if not _text(obj.get("id")):
        raise Rejected("the event's object has no id")
    return obj


def _payment_state(obj):
    """The PaymentIntent in the payload, or None when a field we check is missing or ill-typed."""
    status, amount, currency = _text(obj.get("status")), _whole(obj.get("amount")), _currency(obj.get("currency"))
    received = _whole(obj.get("amount_received", 0))
    metadata = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
    error = obj.get("last_payment_error") if isinstance(obj.get("last_payment_error"), dict) else {}
    if None in (status, amount, currency, received) or (status == "succeeded" and not received):
        return None
    return PaymentState(
        reference=obj["id"],
        status=status,
        amount=amount,
        amount_received=received,
        currency=currency,
        order_number=metadata.get("order_number") if isinstance(metadata.get("order_number"), str) else "",
        failure_message=error.get("message") if isinstance(error.get("message"), str) else "",
    )


def _reported_refund(obj):
    """The refund in the payload (or as fetched), or None when a field we check is missing."""
    payment, amount = obj.get("payment_intent"), _whole(obj.get("amount"))
    status, currency = _text(obj.get("status")), _currency(obj.get("currency"))
    if not isinstance(payment, str) and isinstance(payment, dict):
        payment = payment.get("id")  # expanded
    if None in (_text(payment), amount, status, currency) or amount <= 0:
        return None
    metadata = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
    token = metadata.get("refund_request")
    return reported_refunds.ReportedRefund(
        reference=obj["id"],
        payment_reference=payment,
        amount=amount,
        currency=currency,
        status=status,
        request_token=token if isinstance(token, str) else "",
    )


def _fetch_payment(reference):
    try:
        return stripe_gateway().retrieve(reference)
    except PaymentUnknown as error:
        raise Rejected(str(error)) from error
    except GatewayUnavailable as error:
        raise Kept(f"Stripe could not be asked about {reference}: {error}") from error


def _fetch_refund(reference):
    try:
        fetched = stripe_gateway().retrieve_refund(reference)
    except PaymentUnknown as error:
        raise Rejected(str(error)) from error
    except GatewayUnavailable as error:
        raise Kept(f"Stripe could not be asked about {reference}: {error}") from error
    refund = _reported_refund(fetched.to_dict())
    if refund is None:
        raise Rejected(f"refund {reference} at Stripe belongs to no PaymentIntent")
    return refund


# --- Preparing (no lock held) and applying (locks) ----------------------------------------------


def _prepare(event_type, payload):
    """What the event says, complete and checked, ready to apply. May ask Stripe; locks nothing."""
    if event_type in PAYMENT_EVENTS:
        obj = event_object(payload)
        return _payment_state(obj) or _fetch_payment(obj["id"])
    if event_type in REFUND_EVENTS:
        obj = event_object(payload)
        refund, fetched = _reported_refund(obj), False
        if refund is None:
            refund, fetched = _fetch_refund(obj["id"]), True
        if refund.status in ("succeeded", "pending"):
            if not selectors.payment_recorded(refund.payment_reference):
                _record_payment_first(refund.payment_reference)
            if not fetched and _beyond_what_is_left(refund):
                refund = _fetch_refund(refund.reference)  # a figure larger than we expect: Stripe's word on it
        return refund
    return None


def _record_payment_first(payment_reference):
    """A refund reported before the payment it belongs to (events arrive in any order): ask Stripe
    how the payment stands and apply that first, or keep the refund until it is recorded."""
    order = selectors.order_of_payment(payment_reference)
    if order is None:
        return  # not ours: applying says so
    if order.status in UNPAID:
        payment_state.apply_payment_state(_fetch_payment(payment_reference), via="refund webhook")
    if not selectors.payment_recorded(payment_reference):
        raise Kept(f"waiting for the payment of order {order.number} to be recorded")


def _beyond_what_is_left(refund):
    order = selectors.order_of_payment(refund.payment_reference)
    return order is not None and selectors.refundable(order) < from_minor(refund.amount, order.currency)


def _apply(event_type, facts):
    if event_type in PAYMENT_EVENTS:
        return payment_state.apply_payment_state(facts, via=f"webhook {event_type}").result
    if event_type in REFUND_EVENTS:
        if facts.status in ("succeeded", "pending"):
            result = reported_refunds.record_external_refund(refund=facts)
            if result == "payment not recorded yet":
                raise Kept(result)
            return f"refund {result}"
        if facts.status in ("failed", "canceled"):
            return reported_refunds.note_failed_refund(refund=facts)
        return f"ignored: refund {facts.status}"
    return "ignored: not an event this shop handles"


def receive(*, event_id, event_type, payload):
    """Store a verified event (once) and apply it. Returns the Answer for Stripe."""
    stored, created = StripeEvent.objects.get_or_create(
        event_id=event_id, defaults={"type": event_type, "payload": payload}
    )
    if not created and stored.processed_at is not None:
        logger.info("Stripe event %s already processed; replay ignored", event_id)
        return _answer_for_processed(stored, replay=True)
    answer = process(event_id)
    if answer.status == 200 and answer.text == "paid":
        _apply_kept_for_order_paid(payload)
    return answer


def _answer_for_processed(stored, *, replay=False):
    if stored.result.startswith("rejected"):
        return Answer(400, stored.result)
    return Answer(200, "duplicate" if replay else stored.result)


def process(event_id):
    """Apply a stored event once: prepared without locks, then applied under its row's lock."""
    stored = StripeEvent.objects.get(pk=event_id)
    try:
        facts = _prepare(stored.type, stored.payload)
    except Rejected as error:
        return _finish(event_id, f"rejected: {error}", warn=True)
    except Kept as error:
        return _keep(event_id, f"kept: {error}")
    except Exception as error:  # kept and retried; Stripe gets no 500
        logger.exception("Stripe event %s could not be prepared", event_id)
        return _keep(event_id, f"kept after an error: {type(error).__name__}: {error}")
    try:
        with transaction.atomic():
            locked = StripeEvent.objects.select_for_update().get(pk=event_id)
            if locked.processed_at is not None:
                return _answer_for_processed(locked, replay=True)
            locked.result = _apply(locked.type, facts)[:255]
            locked.processed_at = timezone.now()
            locked.save(update_fields=["result", "processed_at"])
            return Answer(200, locked.result)
    except Kept as error:
        return _keep(event_id, f"kept: {error}")
    except Exception as error:  # rolled back, kept and retried; Stripe gets no 500
        logger.exception("Stripe event %s could not be applied", event_id)
        return _keep(event_id, f"kept after an error: {type(error).__name__}: {error}")


def _finish(event_id, result, *, warn=False):
    if warn:
        logger.warning("Stripe event %s refused: %s", event_id, result)
    StripeEvent.objects.filter(pk=event_id, processed_at__isnull=True).update(
        result=result[:255], processed_at=timezone.now()
    )
    return _answer_for_processed(StripeEvent.objects.get(pk=event_id))


def _keep(event_id, result):
    StripeEvent.objects.filter(pk=event_id, processed_at__isnull=True).update(result=result[:255])
    return Answer(202, result[:255])


def _apply_kept_for_order_paid(payload):
    apply_kept_events(payment_reference=_object_of(payload)["id"])


def _kept():
    return StripeEvent.objects.filter(processed_at__isnull=True, received_at__gte=timezone.now() - KEPT_FOR).order_by(
        "received_at"
    )


def kept_events(*, limit=200):
    """Ids of the events kept for later and received in the last three days, oldest first: what
    the reconciler applies again (portal/reconcile.py), each on its own, with `process`."""
    return list(_kept().values_list("event_id", flat=True)[:limit])


def apply_kept_events(*, payment_reference, limit=200):
    """Apply again the kept events about one payment (its refunds, once it is recorded), each on its
    own. Returns how many were applied now."""
    applied = 0
    for event_id, payload in _kept().values_list("event_id", "payload")[:limit]:
        if _payment_of(payload) != payment_reference:
            continue
        try:
            applied += process(event_id).status == 200
        except Exception:  # one event's failure must not stop the others
            logger.exception("Kept Stripe event %s could not be applied", event_id)
    return applied


def _payment_of(payload):
    obj = _object_of(payload)
    if obj is None:
        return None
    return obj.get("payment_intent") if obj.get("object") == "refund" else obj.get("id")
