"""A gateway's report on a payment applied to its order: paid exactly once, failed, cancelled."""

import logging
from dataclasses import dataclass

from django.db import transaction
from oscar.core.loading import get_class, get_model

from atelier.orders import UNPAID, OrderStatus
from portal import events
from portal.order.notes import warn_once

from ..gateways import PaymentUnknown, gateway
from ..money import from_minor, to_minor
from ..selectors import card_source, order_number_of_payment
from .order_history import note_once, payment_event

logger = logging.getLogger(__name__)

Order = get_model("order", "Order")
SourceType = get_model("payment", "SourceType")
Transaction = get_model("payment", "Transaction")
EventHandler = get_class("order.processing", "EventHandler")

PAID_AFTER_CANCELLATION = "Paid after cancellation"


@dataclass(frozen=True)
class Outcome:
    order_number: str
    # paid | already-paid | paid-after-cancellation | failed | cancelled | ignored | mismatch | unknown-order
    result: str
    detail: str = ""


def source_type(name):
    source_type, _ = SourceType.objects.get_or_create(name=name)
    return source_type


# Payments of an order other than its own (the difference of a changed design): each handler
# takes (state, via) and returns an Outcome for a payment it owns, None for any other.
OTHER_PAYMENTS = []


def handle_other_payments(handler):
    """Register a handler of payments an order makes besides its own (`OTHER_PAYMENTS`)."""
    if handler not in OTHER_PAYMENTS:
        OTHER_PAYMENTS.append(handler)
    return handler


def apply_payment_state(state, *, via):
    """Apply a gateway's report on a payment to its order. Idempotent, forward-only.

    A payment an `OTHER_PAYMENTS` handler owns is applied by that handler instead.

    Marks the order paid (and sends `order_paid` after commit) only if the payment is the
    order's own, succeeded, and the amount and currency received are what the order owes.
    Locks the order row, so a webhook and a returning browser racing each other mark it
    paid once.
    """
    for handler in OTHER_PAYMENTS:
        outcome = handler(state, via)
        if outcome is not None:
            return outcome
    with transaction.atomic():
        number = state.order_number or order_number_of_payment(state.reference)
        order = Order.objects.select_for_update().filter(number=number).first() if number else None
        if order is None:
            return Outcome(state.order_number, "unknown-order")
        source = card_source(order)
        if source is None or source.reference != state.reference:
            logger.warning("Payment %s does not belong to order %s", state.reference, order.number)
            return Outcome(order.number, "mismatch", "payment reference does not belong to this order")

        if state.succeeded:
            if order.status == OrderStatus.CANCELLED:
                return _paid_after_cancellation(order, source, state, via)
            if order.status not in UNPAID:
                return Outcome(order.number, "already-paid")
            expected = to_minor(source.amount_allocated, order.currency)
            if state.amount_received != expected or state.currency.upper() != order.currency.upper():
                message = (
                    f"Payment {state.reference} received {state.amount_received} {state.currency} "
                    f"but the order owes {expected} {order.currency}: not marked paid."
                )
                if note_once(order, message):
                    logger.error(message)
                return Outcome(order.number, "mismatch", message)
            amount = from_minor(state.amount_received, order.currency)
            source.debit(amount, reference=state.reference, status="succeeded")
            payment_event(order, "Paid", amount, state.reference)
            EventHandler().handle_order_status_change(
                order,
                OrderStatus.PAID,
                note_msg=f"Paid {amount} {order.currency} ({source.source_type.name}, confirmed by {via}).",
            )
            events.order_paid(order)
            return Outcome(order.number, "paid")

        if state.status == "canceled":
            if order.status in UNPAID:
                EventHandler().handle_order_status_change(
                    order, OrderStatus.CANCELLED, note_msg=f"Payment cancelled ({via})."
                )
                return Outcome(order.number, "cancelled")
            return Outcome(order.number, "ignored", f"cancellation after {order.status}")

        if state.status == "requires_payment_method" and state.failure_message:
            if order.status == OrderStatus.PENDING_PAYMENT:
                EventHandler().handle_order_status_change(order, OrderStatus.PAYMENT_FAILED)
            if order.status in UNPAID:
                note_once(order, f"Payment attempt failed: {state.failure_message}")
                return Outcome(order.number, "failed", state.failure_message)
        return Outcome(order.number, "ignored", state.status)


def _paid_after_cancellation(order, source, state, via):
    """The customer paid (a slow 3-D Secure check, a second tab) after the order was cancelled.

    The order stays cancelled (nothing is made for it) but the money taken is recorded on its
    payment source, so the dashboard offers to refund it, and a warning note says so. Once per
    payment: a replay finds the debit recorded.
    """
    if not source.transactions.filter(txn_type=Transaction.DEBIT, reference=state.reference).exists():
        amount = from_minor(state.amount_received, state.currency)
        source.debit(amount, reference=state.reference, status="succeeded")
        payment_event(order, PAID_AFTER_CANCELLATION, amount, state.reference)
        message = (
            f"Paid {amount} {state.currency} ({source.source_type.name}, confirmed by {via}) after the order was "
            "cancelled: nothing will be made for it. Refund the payment from Payment and refunds."
        )
        warn_once(order, message)
        logger.error("Order %s: %s", order.number, message)
    return Outcome(order.number, "paid-after-cancellation")


def refresh_payment(order, *, via="browser return"):
    """Ask the gateway how the order's payment stands and apply it (the browser's return path).

    Raises GatewayUnavailable (ask again later) or PaymentUnknown (asking again will not help).
    """
    source = card_source(order)
    if source is None:
        raise PaymentUnknown(f"Order {order.number} has no card payment.")
    return apply_payment_state(gateway().retrieve(source.reference), via=via)
