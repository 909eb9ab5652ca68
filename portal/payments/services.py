"""Payments applied to orders: paid exactly once, failures and cancellations noted, refunds.

Whichever comes first (the signed webhook or the shopper's browser returning) applies the
gateway's state; the other finds the work done. Every change locks the order row and only
moves forward in the status pipeline.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from oscar.core.loading import get_model

from portal import events

from .gateways import GatewayUnavailable, PaymentDeclined, gateway
from .models import RefundRequest
from .money import from_minor, to_minor

logger = logging.getLogger(__name__)

Order = get_model("order", "Order")
OrderNote = get_model("order", "OrderNote")
PaymentEvent = get_model("order", "PaymentEvent")
PaymentEventType = get_model("order", "PaymentEventType")
PaymentEventQuantity = get_model("order", "PaymentEventQuantity")
Source = get_model("payment", "Source")
SourceType = get_model("payment", "SourceType")
Transaction = get_model("payment", "Transaction")

PENDING, FAILED, PAID, CANCELLED, REFUNDED = "Pending payment", "Payment failed", "Paid", "Cancelled", "Refunded"
UNPAID = (PENDING, FAILED)
CARD_SOURCES = ("Stripe", "Demo gateway")


@dataclass(frozen=True)
class Outcome:
    order_number: str
    result: str  # paid | already-paid | failed | cancelled | ignored | mismatch | unknown-order
    detail: str = ""


def source_type(name):
    source_type, _ = SourceType.objects.get_or_create(name=name)
    return source_type


def card_source(order):
    return order.sources.filter(source_type__name__in=CARD_SOURCES).order_by("pk").first()


def _note(order, message):
    OrderNote.objects.create(order=order, note_type="System", message=message)


def _note_once(order, message):
    """Note `message` unless it is already the order's latest system note; whether it was noted.

    The reconciler asks the gateway about every unpaid order every five minutes, and Stripe keeps
    reporting the same failed attempt until the shopper pays again: one note, not 288 a day.
    """
    latest = order.notes.filter(note_type="System").order_by("-pk").values_list("message", flat=True).first()
    if latest == message:
        return False
    _note(order, message)
    return True


def _payment_event(order, name, amount, reference):
    event = PaymentEvent.objects.create(
        order=order, event_type=PaymentEventType.objects.get_or_create(name=name)[0], amount=amount, reference=reference
    )
    for line in order.lines.all():
        PaymentEventQuantity.objects.create(event=event, line=line, quantity=line.quantity)
    return event


def apply_payment_state(state, *, via):
    """Apply a gateway's report on a payment to its order. Idempotent, forward-only.

    Marks the order paid (and sends `order_paid` after commit) only if the payment is the
    order's own, succeeded, and the amount and currency received are what the order owes.
    Locks the order row, so a webhook and a returning browser racing each other mark it
    paid once.
    """
    with transaction.atomic():
        order = Order.objects.select_for_update().filter(number=state.order_number).first()
        if order is None:
            return Outcome(state.order_number, "unknown-order")
        source = card_source(order)
        if source is None or source.reference != state.reference:
            logger.warning("Payment %s does not belong to order %s", state.reference, order.number)
            return Outcome(order.number, "mismatch", "payment reference does not belong to this order")

        if state.succeeded:
            if order.status not in UNPAID:
                return Outcome(order.number, "already-paid")
            expected = to_minor(source.amount_allocated, order.currency)
            if state.amount_received != expected or state.currency.upper() != order.currency.upper():
                message = (
                    f"Payment {state.reference} received {state.amount_received} {state.currency} "
                    f"but the order owes {expected} {order.currency}: not marked paid."
                )
                if _note_once(order, message):
                    logger.error(message)
                return Outcome(order.number, "mismatch", message)
            amount = from_minor(state.amount_received, order.currency)
            source.debit(amount, reference=state.reference, status="succeeded")
            _payment_event(order, "Paid", amount, state.reference)
            order.set_status(PAID)
            _note(order, f"Paid {amount} {order.currency} ({source.source_type.name}, confirmed by {via}).")
            events.order_paid(order)
            return Outcome(order.number, "paid")

        if state.status == "canceled":
            if order.status in UNPAID:
                order.set_status(CANCELLED)
                _note(order, f"Payment cancelled ({via}).")
                return Outcome(order.number, "cancelled")
            return Outcome(order.number, "ignored", f"cancellation after {order.status}")

        if state.status == "requires_payment_method" and state.failure_message:
            if order.status == PENDING:
                order.set_status(FAILED)
            if order.status in UNPAID:
                _note_once(order, f"Payment attempt failed: {state.failure_message}")
                return Outcome(order.number, "failed", state.failure_message)
        return Outcome(order.number, "ignored", state.status)


def refresh_payment(order):
    """Ask the gateway how the order's payment stands and apply it (the browser's return path)."""
    source = card_source(order)
    if source is None:
        return Outcome(order.number, "unknown-order")
    return apply_payment_state(gateway().retrieve(source.reference), via="browser return")


class RefundRefused(Exception):
    pass


def refundable(order):
    source = card_source(order)
    if source is None:
        return Decimal("0.00")
    return source.amount_debited - source.amount_refunded


def refund_order(*, order, amount, request_token, user=None, reason=""):
    """Refund part or all of a paid order through its gateway, once per `request_token`.

    The token comes with the staff form: a double-clicked refund button sends it twice and
    refunds once (a unique row here, and the same idempotency key at the gateway). Sends
    `order_refunded` after commit; a full refund moves the order to Refunded.
    """
    amount = Decimal(amount).quantize(Decimal("0.01"))
    if amount <= 0:
        raise RefundRefused("A refund must be more than zero.")
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        existing = RefundRequest.objects.filter(token=request_token).first()
        if existing is not None:
            return existing
        source = card_source(order)
        if source is None or source.amount_debited <= 0:
            raise RefundRefused("This order has no payment to refund.")
        remaining = source.amount_debited - source.amount_refunded
        if amount > remaining:
            raise RefundRefused(f"Only {remaining} {order.currency} is left to refund.")
        try:
            refund = gateway().refund(
                reference=source.reference,
                amount=to_minor(amount, order.currency),
                idempotency_key=f"refund:{order.number}:{request_token}",
                order_number=order.number,
            )
        except (GatewayUnavailable, PaymentDeclined) as error:
            raise RefundRefused(str(error)) from error
        request = RefundRequest.objects.create(
            token=request_token,
            order=order,
            amount=amount,
            reason=reason,
            requested_by=user,
            gateway_reference=refund.reference,
        )
        if not Transaction.objects.filter(source=source, reference=refund.reference).exists():
            _record_refund(order, source, refund, user=user, reason=reason)
        return request


def _record_refund(order, source, refund, *, user=None, reason=""):
    amount = from_minor(refund.amount, order.currency)
    source.refund(amount, reference=refund.reference, status=refund.status)
    _payment_event(order, "Refunded", amount, refund.reference)
    who = f" by {user.get_full_name() or user.email}" if user else ""
    _note(order, f"Refunded {amount} {order.currency}{who}." + (f" Reason: {reason}" if reason else ""))
    source.refresh_from_db()
    if source.amount_refunded >= source.amount_debited and order.status != REFUNDED:
        order.set_status(REFUNDED)
    events.order_refunded(order, amount, refund.reference)
    return refund


def record_external_refund(*, payment_reference, refund):
    """A refund made outside the dashboard (in Stripe's own): recorded once, like ours."""
    found = Source.objects.filter(reference=payment_reference).values_list("pk", "order_id").first()
    if found is None:
        return None
    with transaction.atomic():
        # The order first, then its source: the order the dashboard's refund_order takes them in.
        # Stripe sends refund.created for our own refunds too, often while refund_order still
        # holds the order; the other way round, each would wait for the other's lock.
        order = Order.objects.select_for_update().get(pk=found[1])
        source = Source.objects.select_for_update().get(pk=found[0])
        if Transaction.objects.filter(source=source, reference=refund.reference).exists():
            return None
        return _record_refund(order, source, refund, reason="made in the payment provider's dashboard")


def cancel_unpaid_orders(*, older_than=timedelta(hours=24)):
    """Cancel orders never paid after `older_than`, cancelling their payment at the gateway first."""
    cutoff = timezone.now() - older_than
    cancelled = 0
    for number in Order.objects.filter(status__in=UNPAID, date_placed__lt=cutoff).values_list("number", flat=True):
        order = Order.objects.get(number=number)
        source = card_source(order)
        try:
            state = gateway().cancel(source.reference) if source else None
        except GatewayUnavailable:
            continue  # try again on the next run
        if state is not None and state.succeeded:
            apply_payment_state(state, via="expiry check")  # it was paid after all
            continue
        with transaction.atomic():
            locked = Order.objects.select_for_update().get(pk=order.pk)
            if locked.status in UNPAID:
                locked.set_status(CANCELLED)
                _note(locked, "Cancelled: not paid within 24 hours.")
                cancelled += 1
    return cancelled
