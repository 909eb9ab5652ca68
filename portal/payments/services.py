"""Payments applied to orders: paid exactly once, failures and cancellations noted, refunds.

Whichever comes first (the signed webhook or the shopper's browser returning) applies the
gateway's state; the other finds the work done. Every change locks the order row and only
moves forward in the status pipeline.
"""

import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from oscar.core.loading import get_class, get_model

from atelier.orders import UNPAID, OrderStatus
from portal import events
from portal.order.notes import warn_once

from .gateways import GatewayUnavailable, PaymentDeclined, PaymentUnknown, gateway
from .models import RefundRequest
from .money import from_minor, to_minor

logger = logging.getLogger(__name__)

Order = get_model("order", "Order")
PaymentEventType = get_model("order", "PaymentEventType")
Source = get_model("payment", "Source")
SourceType = get_model("payment", "SourceType")
Transaction = get_model("payment", "Transaction")
# Oscar's writer of an order's payment events, status changes and notes.
EventHandler = get_class("order.processing", "EventHandler")

CARD_SOURCES = ("Stripe", "Demo gateway")
PAID_AFTER_CANCELLATION = "Paid after cancellation"
# A refund asked for in the dashboard whose gateway call never came back (its worker killed):
# after this long it no longer holds back what is left to refund.
REFUND_IN_FLIGHT = timedelta(minutes=10)


@dataclass(frozen=True)
class Outcome:
    order_number: str
    # paid | already-paid | paid-after-cancellation | failed | cancelled | ignored | mismatch | unknown-order
    result: str
    detail: str = ""


def source_type(name):
    source_type, _ = SourceType.objects.get_or_create(name=name)
    return source_type


def card_source(order):
    return order.sources.filter(source_type__name__in=CARD_SOURCES).order_by("pk").first()


def _note(order, message):
    EventHandler().create_note(order, message)


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


def unknown_payment_message(reference):
    return (
        f"The payment provider does not know this order's payment {reference}: nothing about it can be "
        "confirmed or cancelled there. Check the order in the provider's dashboard."
    )


def _payment_event(order, name, amount, reference):
    """Oscar's payment event for the whole order: every line, in full."""
    lines = list(order.lines.all())
    return EventHandler().create_payment_event(
        order,
        PaymentEventType.objects.get_or_create(name=name)[0],
        amount,
        lines,
        [line.quantity for line in lines],
        reference=reference,
    )


def apply_payment_state(state, *, via):
    """Apply a gateway's report on a payment to its order. Idempotent, forward-only.

    Marks the order paid (and sends `order_paid` after commit) only if the payment is the
    order's own, succeeded, and the amount and currency received are what the order owes.
    Locks the order row, so a webhook and a returning browser racing each other mark it
    paid once.
    """
    with transaction.atomic():
        number = state.order_number or _order_number_of_payment(state.reference)
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
                if _note_once(order, message):
                    logger.error(message)
                return Outcome(order.number, "mismatch", message)
            amount = from_minor(state.amount_received, order.currency)
            source.debit(amount, reference=state.reference, status="succeeded")
            _payment_event(order, "Paid", amount, state.reference)
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
                _note_once(order, f"Payment attempt failed: {state.failure_message}")
                return Outcome(order.number, "failed", state.failure_message)
        return Outcome(order.number, "ignored", state.status)


def _order_number_of_payment(reference):
    return (
        Source.objects.filter(reference=reference, source_type__name__in=CARD_SOURCES)
        .values_list("order__number", flat=True)
        .first()
    )


def _paid_after_cancellation(order, source, state, via):
    """The customer paid (a slow 3-D Secure check, a second tab) after the order was cancelled.

    The order stays cancelled (nothing is made for it) but the money taken is recorded on its
    payment source, so the dashboard offers to refund it, and a warning note says so. Once per
    payment: a replay finds the debit recorded.
    """
    if not source.transactions.filter(txn_type=Transaction.DEBIT, reference=state.reference).exists():
        amount = from_minor(state.amount_received, state.currency)
        source.debit(amount, reference=state.reference, status="succeeded")
        _payment_event(order, PAID_AFTER_CANCELLATION, amount, state.reference)
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


class RefundRefused(Exception):
    pass


def refundable(order):
    source = card_source(order)
    if source is None:
        return Decimal("0.00")
    return source.amount_debited - source.amount_refunded


def _in_flight(order):
    """What refunds asked for in the dashboard and still at the gateway will take."""
    recent = timezone.now() - REFUND_IN_FLIGHT
    pending = RefundRequest.objects.filter(order=order, gateway_reference="", created_at__gte=recent)
    return sum(pending.values_list("amount", flat=True), Decimal("0.00"))


def refund_order(*, order, amount, request_token, user=None, reason=""):
    """Refund part or all of a paid order through its gateway, once per `request_token`.

    The token comes with the staff form: a double-clicked refund button sends it twice and
    refunds once (a unique row here, and the same idempotency key at the gateway). The order is
    locked only to check and reserve the amount, and again to record the answer, never while the
    gateway is called: Stripe's refund.created webhook, which needs the order, may come before the
    call returns and records the refund as this request's (who and why). Sends `order_refunded`
    after commit; a full refund moves the order to Refunded.
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
        remaining = source.amount_debited - source.amount_refunded - _in_flight(order)
        if amount > remaining:
            raise RefundRefused(f"Only {max(remaining, Decimal('0.00'))} {order.currency} is left to refund.")
        request = RefundRequest.objects.create(
            token=request_token, order=order, amount=amount, reason=reason, requested_by=user
        )
    try:
        refund = gateway().refund(
            reference=source.reference,
            amount=to_minor(amount, order.currency),
            idempotency_key=f"refund:{order.number}:{request_token}",
            order_number=order.number,
            request_token=str(request_token),
        )
    except (GatewayUnavailable, PaymentDeclined, PaymentUnknown) as error:
        RefundRequest.objects.filter(pk=request.pk, gateway_reference="").delete()  # the button may be tried again
        raise RefundRefused(str(error)) from error
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        source = Source.objects.select_for_update().get(pk=source.pk)
        RefundRequest.objects.filter(pk=request.pk).update(gateway_reference=refund.reference)
        if not Transaction.objects.filter(source=source, reference=refund.reference).exists():
            _record_refund(order, source, refund, user=user, reason=reason)
    request.refresh_from_db()
    return request


def _record_refund(order, source, refund, *, user=None, reason=""):
    amount = from_minor(refund.amount, order.currency)
    source.refund(amount, reference=refund.reference, status=refund.status)
    _payment_event(order, "Refunded", amount, refund.reference)
    who = f" by {user.get_full_name() or user.email}" if user else ""
    _note(order, f"Refunded {amount} {order.currency}{who}." + (f" Reason: {reason}" if reason else ""))
    source.refresh_from_db()
    # A cancelled order that was paid after all stays cancelled once its money is back.
    if source.amount_refunded >= source.amount_debited and OrderStatus.REFUNDED in order.available_statuses():
        EventHandler().handle_order_status_change(order, OrderStatus.REFUNDED)
    events.order_refunded(order, amount, refund.reference)
    return refund


@dataclass(frozen=True)
class ReportedRefund:
    """A refund as Stripe reports it (webhook or API), in minor units."""

    reference: str
    payment_reference: str
    amount: int
    currency: str
    status: str
    request_token: str = ""


def payment_recorded(payment_reference):
    """Whether the payment a refund belongs to is recorded here (its debit), so the refund can be."""
    return Source.objects.filter(reference=payment_reference, amount_debited__gt=0).exists()


def order_of_payment(payment_reference):
    return Order.objects.filter(sources__reference=payment_reference).first()


def record_external_refund(*, refund):
    """A refund reported by the gateway (Stripe's webhook): recorded once, and never beyond what was paid.

    Returns what happened: "recorded", "already recorded", "unknown payment", "payment not
    recorded yet" (the caller keeps the event for later), "currency mismatch" or "exceeds what is
    left" (both noted on the order for staff, nothing recorded). A refund made from our dashboard
    (its token in the refund's metadata) is recorded with who asked for it and why.
    """
    found = Source.objects.filter(reference=refund.payment_reference).values_list("pk", "order_id").first()
    if found is None:
        return "unknown payment"
    with transaction.atomic():
        # The order first, then its source: the order refund_order takes them in.
        order = Order.objects.select_for_update().get(pk=found[1])
        source = Source.objects.select_for_update().get(pk=found[0])
        if Transaction.objects.filter(source=source, reference=refund.reference).exists():
            return "already recorded"
        if source.amount_debited <= 0:
            return "payment not recorded yet"
        if refund.currency.upper() != order.currency.upper():
            message = (
                f"The payment provider reports refund {refund.reference} in {refund.currency.upper()}, "
                f"but the order is in {order.currency}: not recorded. Check it in the provider's dashboard."
            )
            if warn_once(order, message):
                logger.error("Order %s: %s", order.number, message)
            return "currency mismatch"
        amount = from_minor(refund.amount, order.currency)
        left = source.amount_debited - source.amount_refunded
        if amount > left:
            message = (
                f"The payment provider reports refund {refund.reference} of {amount} {order.currency}, but only "
                f"{left} {order.currency} of the {source.amount_debited} paid is left to refund: not recorded. "
                "Check it in the provider's dashboard."
            )
            if warn_once(order, message):
                logger.error("Order %s: %s", order.number, message)
            return "exceeds what is left"
        request = None
        if refund.request_token:
            request = RefundRequest.objects.filter(token=_uuid_or_none(refund.request_token), order=order).first()
        if request is not None:
            RefundRequest.objects.filter(pk=request.pk, gateway_reference="").update(gateway_reference=refund.reference)
            _record_refund(order, source, refund, user=request.requested_by, reason=request.reason)
        else:
            _record_refund(order, source, refund, reason="made in the payment provider's dashboard")
        return "recorded"


def _uuid_or_none(value):
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def note_failed_refund(*, refund):
    """A refund recorded here that the bank later returned (Stripe's refund.updated, status failed):
    the customer did not get the money back, which staff must know. Noted once."""
    recorded = Transaction.objects.filter(reference=refund.reference, txn_type=Transaction.REFUND).first()
    if recorded is None:
        return "ignored: a refund not recorded here failed"
    order = recorded.source.order
    amount = from_minor(refund.amount, order.currency)
    message = (
        f"Refund {refund.reference} of {amount} {order.currency} failed at the bank ({refund.status}): the "
        "customer has not received it. Refund again or contact them."
    )
    if warn_once(order, message):
        logger.error("Order %s: %s", order.number, message)
    return "refund failure noted"


# --- The reconciler's question, and the beat job: each order on its own, so one that fails is noted --------


def check_pending_payment(number):
    """Ask the gateway about one order still unpaid (its webhook may have been lost) and apply what
    it says; portal/reconcile.py asks this of every order unpaid after five minutes.

    Raises GatewayUnavailable (the gateway is down: the reconciler stops asking and tries again on
    its next run). Any other failure (a payment the gateway does not know, one it reports in a state
    the order cannot take) is noted on the order once, and None returned.
    """
    try:
        return refresh_payment(Order.objects.get(number=number), via="reconciliation")
    except GatewayUnavailable:
        raise
    except Exception as error:  # noqa: BLE001 -- noted on the order for staff; the reconciler goes on
        _note_job_failure(number, "checking its payment", error)
        return None


def cancel_unpaid_orders(*, older_than=timedelta(hours=24)):
    """Cancel orders never paid after `older_than`, cancelling their payment at the gateway first.

    An order whose payment turns out to be paid is marked paid instead; one whose payment the
    gateway does not know is cancelled with a note saying so. Any other failure is noted on the
    order once and the others go on. Returns how many were cancelled.
    """
    cutoff = timezone.now() - older_than
    cancelled = 0
    numbers = list(Order.objects.filter(status__in=UNPAID, date_placed__lt=cutoff).values_list("number", flat=True))
    for number in numbers:
        try:
            cancelled += _cancel_unpaid(Order.objects.get(number=number))
        except GatewayUnavailable:
            continue  # try again on the next run
        except Exception as error:  # noqa: BLE001 -- one order's failure must not stop the others
            _note_job_failure(number, "cancelling it", error)
    return cancelled


def _cancel_unpaid(order):
    source = card_source(order)
    state = None
    if source is not None:
        try:
            state = gateway().cancel(source.reference)
        except PaymentUnknown:
            warn_once(order, unknown_payment_message(source.reference))
    if state is not None and state.succeeded:
        outcome = apply_payment_state(state, via="expiry check")  # it was paid after all
        if outcome.result == "mismatch":
            raise PaymentStateRefused(outcome.detail)
        return False
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if locked.status not in UNPAID:
            return False
        EventHandler().handle_order_status_change(
            locked, OrderStatus.CANCELLED, note_msg="Cancelled: not paid within 24 hours."
        )
        return True


class PaymentStateRefused(Exception):
    """The gateway reports a payment the order cannot take (amount or currency); noted on the order."""


def _note_job_failure(number, doing, error):
    if isinstance(error, PaymentUnknown):
        reference = getattr(card_source(Order.objects.get(number=number)), "reference", "")
        message = unknown_payment_message(reference) if reference else str(error)
    elif isinstance(error, PaymentStateRefused):
        return  # apply_payment_state noted it
    else:
        message = f"A payment job failed {doing}: {type(error).__name__}: {error}"
    order = Order.objects.filter(number=number).first()
    if order is not None and warn_once(order, message):
        logger.exception("Order %s: %s", number, message, exc_info=error)
