"""The money of a design change. A dearer design's difference is charged with a payment of its own
(a new PaymentIntent, keyed by the change); the change is applied only once that payment succeeds
(Stripe's webhook, the browser's return or the demo gateway), in the same transaction as the
payment is recorded. A payment abandoned or cancelled leaves the order as it was. A difference paid
for a change that can no longer be applied (production started meanwhile, or the customer replaced
or abandoned it) is refunded in full. A cheaper design's difference is refunded through the
dashboard's refund path. Every gateway call carries a key derived from the change."""

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from atelier.orders import read_configuration
from portal import events
from portal.order.notes import warn_once
from production.services.withdrawal import ProductionStarted

from ..payments.gateways import GatewayUnavailable, PaymentDeclined, PaymentUnknown, gateway
from ..payments.money import from_minor, to_minor
from ..payments.selectors import card_source
from ..payments.services.order_history import note, payment_event
from ..payments.services.payment_state import Outcome
from ..payments.services.refunds import RefundRefused, refund_order
from . import tasks
from .change_selectors import ChangeRefused, change_refusal
from .design_changes import apply_to_order, changed_meanwhile, new_change, withdraw_line
from .models import DesignChange
from .selectors import started_words

logger = logging.getLogger(__name__)
Order = get_model("order", "Order")
Source = get_model("payment", "Source")
Transaction = get_model("payment", "Transaction")
State = DesignChange.State


def open_charge(*, order, quote, by, key):
    """Record the change as awaiting its difference and ask the gateway for a payment of that
    amount (key `pi:design-change:<key>`). A change of the same line still awaiting its payment
    is abandoned (its payment cancelled): the newest design is the one the customer pays for.
    Nothing about the order changes. Returns the DesignChange; ChangeRefused if the gateway
    cannot be reached (the change abandoned, nothing charged)."""
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        done = DesignChange.objects.filter(key=key).first()
        if done is not None:
            return done
        late = change_refusal(locked)
        if late is not None:
            raise late
        stale = list(DesignChange.objects.select_for_update().filter(line=quote.line, state=State.AWAITING_PAYMENT))
        DesignChange.objects.filter(pk__in=[change.pk for change in stale]).update(
            state=State.ABANDONED, decided_at=timezone.now(), refusal="Replaced by a newer design."
        )
        change = new_change(order=locked, quote=quote, by=by, key=key, state=State.AWAITING_PAYMENT)
        change.save()
    for replaced in stale:
        cancel_payment(replaced)
    try:
        state = gateway().create_payment(
            order_number=order.number,
            amount=to_minor(change.difference, order.currency),
            currency=order.currency,
            email=order.email,
            key=f"pi:design-change:{change.key}",
            description=f"Atelier order {order.number}: design change",
            metadata={"design_change": str(change.key)},
        )
    except GatewayUnavailable as error:
        DesignChange.objects.filter(pk=change.pk, state=State.AWAITING_PAYMENT).update(
            state=State.ABANDONED, decided_at=timezone.now(), failure_message=str(error)[:255]
        )
        raise ChangeRefused(
            _("We cannot reach the payment provider just now. Nothing was changed or charged; try again shortly.")
        ) from error
    DesignChange.objects.filter(pk=change.pk).update(payment_reference=state.reference)
    change.payment_reference = state.reference
    return change


def cancel_payment(change):
    """Cancel a change's payment at the gateway (the customer keeps the order as it was). A
    payment that succeeded meanwhile stays, and is refunded when its success is applied."""
    if not change.payment_reference:
        return
    try:
        gateway().cancel(change.payment_reference)
    except (GatewayUnavailable, PaymentUnknown) as error:
        logger.warning("Design change %s: its payment was not cancelled: %s", change.pk, error)


def abandon_change(*, change):
    """The customer keeps the order as it was: the change abandoned and its payment cancelled.
    Idempotent; a change already applied or refused is left as it is. Returns whether it was."""
    abandoned = DesignChange.objects.filter(pk=change.pk, state=State.AWAITING_PAYMENT).update(
        state=State.ABANDONED, decided_at=timezone.now()
    )
    if abandoned:
        cancel_payment(change)
    return bool(abandoned)


def apply_change_payment(state, via):
    """payments' handler of payments other than an order's own: a design change's difference.
    None for a payment that is not one; else the Outcome. Idempotent."""
    change = DesignChange.objects.filter(payment_reference=state.reference).select_related("order").first()
    if change is None or not state.reference:
        return None
    number = change.order.number
    if state.succeeded:
        return Outcome(number, settle_paid_change(change_id=change.pk, state=state, via=via))
    if state.status == "canceled":
        abandoned = DesignChange.objects.filter(pk=change.pk, state=State.AWAITING_PAYMENT).update(
            state=State.ABANDONED, decided_at=timezone.now()
        )
        return Outcome(number, "change-abandoned" if abandoned else "ignored", "payment cancelled")
    if state.status == "requires_payment_method" and state.failure_message:
        DesignChange.objects.filter(pk=change.pk, state=State.AWAITING_PAYMENT).update(
            failure_message=state.failure_message[:255]
        )
        return Outcome(number, "change-payment-failed", state.failure_message)
    return Outcome(number, "ignored", state.status)


class _NotAwaiting(Exception):
    pass


def settle_paid_change(*, change_id, state, via):
    """The difference is paid: record the payment and apply the change, in one transaction.

    Locks in the cancellation's order (the line's operations, the plant, the order, then the
    change), so it cannot race the start button or a cancellation into a half-done state. If the
    change cannot be applied (production started, the order was cancelled, the payment is not the
    difference, or the customer abandoned or replaced the change), the payment is recorded on its
    own, the change refused, and the money refunded in full after commit. A replay changes nothing.
    Returns the result word for the webhook's record."""
    change = DesignChange.objects.select_related("order", "line", "requested_by").get(pk=change_id)
    order = change.order
    refusal = ""
    try:
        with transaction.atomic():
            withdrawn = withdraw_line(order, change.line, change.requested_by)
            locked_order = Order.objects.select_for_update().get(pk=order.pk)
            locked = DesignChange.objects.select_for_update().get(pk=change_id)
            if locked.state != State.AWAITING_PAYMENT:
                raise _NotAwaiting
            late = change_refusal(locked_order) or changed_meanwhile(
                locked_order, locked.line_id, locked.old_configuration
            )
            if late is not None:
                raise late
            expected = to_minor(locked.difference, order.currency)
            if state.amount_received != expected or state.currency.upper() != order.currency.upper():
                raise ChangeRefused(
                    f"Payment {state.reference} received {state.amount_received} {state.currency}, "
                    f"but the change's difference is {expected} {order.currency}."
                )
            withdrawn += withdraw_line(order, change.line, change.requested_by)
            _record_payment(locked_order, state, via)
            locked.state, locked.decided_at = State.APPLIED, timezone.now()
            locked.save(update_fields=["state", "decided_at"])
            values = read_configuration(locked.new_configuration).values
            apply_to_order(change=locked, order=locked_order, quote_values=values, withdrawn=withdrawn)
        return "change-applied"
    except ProductionStarted as started:
        refusal = started_words(started.step)
    except ChangeRefused as refused:
        refusal = str(refused)
    except _NotAwaiting:
        pass
    with transaction.atomic():
        locked_order = Order.objects.select_for_update().get(pk=order.pk)
        locked = DesignChange.objects.select_for_update().get(pk=change_id)
        newly_paid = _record_payment(locked_order, state, via)
        if locked.state == State.APPLIED:
            return "already-paid"
        if locked.state == State.AWAITING_PAYMENT:
            locked.state, locked.decided_at, locked.refusal = State.REFUSED, timezone.now(), refusal[:255]
            locked.save(update_fields=["state", "decided_at", "refusal"])
            note(
                locked_order, f"The design change paid for was not applied: {refusal} The payment is refunded in full."
            )
            transaction.on_commit(lambda: tasks.send_design_change_mail.delay(change_id))
        if newly_paid:
            transaction.on_commit(lambda: tasks.refund_unapplied_change.delay(change_id))
    return "change-refused" if refusal else "change-not-awaiting"


def _record_payment(order, state, via):
    """The difference's payment as a payment source of its own on the order (once per payment).
    Whether it was recorded now."""
    amount = from_minor(state.amount_received, order.currency)
    source = Source.objects.select_for_update().filter(order=order, reference=state.reference).first()
    if source is None:
        own = card_source(order)
        source = Source.objects.create(
            order=order,
            source_type=own.source_type,
            currency=order.currency,
            amount_allocated=amount,
            reference=state.reference,
        )
    if source.transactions.filter(txn_type=Transaction.DEBIT, reference=state.reference).exists():
        return False
    source.debit(amount, reference=state.reference, status="succeeded")
    payment_event(order, "Paid for a design change", amount, state.reference)
    note(order, f"Paid {amount} {order.currency} for a design change ({source.source_type.name}, confirmed by {via}).")
    return True


def refund_paid_changes(*, order):
    """Refund in full the differences paid for the order's changes (its cancellation): each on its
    own payment, with the change's key, taking back the points it earned. Idempotent."""
    for change_id in DesignChange.objects.filter(order=order, state=State.APPLIED, difference__gt=0).values_list(
        "pk", flat=True
    ):
        refund_unapplied_change(change_id=change_id, earned_points=True)


def refund_unapplied_change(*, change_id, earned_points=False):
    """Refund in full what is left of a change's payment (idempotency key from the change): one not
    applied, or, `earned_points`, an applied one of an order cancelled (`order_refunded` takes back
    the points it earned). Recorded on the change's own payment source. A refusal is noted on the
    order for staff, once. Returns the refund's reference, or None."""
    change = DesignChange.objects.select_related("order").get(pk=change_id)
    order = change.order
    source = Source.objects.filter(order=order, reference=change.payment_reference).first()
    if source is None or source.amount_debited <= source.amount_refunded:
        return None
    left = source.amount_debited - source.amount_refunded
    try:
        refund = gateway().refund(
            reference=change.payment_reference,
            amount=to_minor(left, order.currency),
            idempotency_key=f"refund:{order.number}:{change.refund_token}",
            order_number=order.number,
        )
    except (GatewayUnavailable, PaymentDeclined, PaymentUnknown) as error:
        message = (
            f"The {left} {order.currency} paid for a design change that was not applied was not refunded: {error} "
            "Refund it from the payment provider's dashboard."
        )
        if warn_once(order, message):
            logger.warning("Order %s: %s", order.number, message)
        return None
    with transaction.atomic():
        locked_order = Order.objects.select_for_update().get(pk=order.pk)
        source = Source.objects.select_for_update().get(pk=source.pk)
        if not Transaction.objects.filter(source=source, reference=refund.reference).exists():
            amount = from_minor(refund.amount, order.currency)
            source.refund(amount, reference=refund.reference, status=refund.status)
            payment_event(locked_order, "Refunded", amount, refund.reference)
            why = "the order was cancelled" if earned_points else "the design change it paid for was not applied"
            note(locked_order, f"Refunded {amount} {order.currency} paid for a design change: {why}.")
            if earned_points:
                events.order_refunded(locked_order, amount, refund.reference)
    return refund.reference


def refund_difference(*, change_id):
    """Refund a cheaper design's difference through the dashboard's refund path (request token from
    the change, so every attempt is the same refund; `order_refunded` takes back the points the
    refunded share earned). A refusal is noted for staff once and None returned: the change stands."""
    change = DesignChange.objects.select_related("order", "requested_by").get(pk=change_id)
    if change.difference >= 0:
        return None
    try:
        request = refund_order(
            order=change.order,
            amount=-change.difference,
            request_token=change.refund_token,
            user=change.requested_by,
            reason="Design changed to a cheaper one before production",
        )
    except RefundRefused as refused:
        message = (
            f"The {-change.difference} {change.order.currency} difference of a cheaper design was not refunded: "
            f"{refused} Refund it from Payment and refunds."
        )
        if warn_once(change.order, message):
            logger.warning("Order %s: %s", change.order.number, message)
        return None
    DesignChange.objects.filter(pk=change.pk).update(payment_reference=request.gateway_reference)
    return request
