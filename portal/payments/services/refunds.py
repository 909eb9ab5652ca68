"""Refunds made here, from the dashboard: once per request, never beyond what was paid."""

from decimal import Decimal

from django.db import transaction
from oscar.core.loading import get_class, get_model

from atelier.orders import OrderStatus
from portal import events

from ..gateways import GatewayUnavailable, PaymentDeclined, PaymentUnknown, gateway
from ..models import RefundRequest
from ..money import from_minor, to_minor
from ..selectors import all_refunded, card_source, refunds_in_flight
from .order_history import note, payment_event

Order = get_model("order", "Order")
Source = get_model("payment", "Source")
Transaction = get_model("payment", "Transaction")
EventHandler = get_class("order.processing", "EventHandler")


class RefundRefused(Exception):
    pass


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
        remaining = source.amount_debited - source.amount_refunded - refunds_in_flight(order)
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
            record_refund(order, source, refund, user=user, reason=reason)
    request.refresh_from_db()
    return request


def record_refund(order, source, refund, *, user=None, reason=""):
    amount = from_minor(refund.amount, order.currency)
    source.refund(amount, reference=refund.reference, status=refund.status)
    payment_event(order, "Refunded", amount, refund.reference)
    who = f" by {user.get_full_name() or user.email}" if user else ""
    note(order, f"Refunded {amount} {order.currency}{who}." + (f" Reason: {reason}" if reason else ""))
    source.refresh_from_db()
    # A cancelled order that was paid after all stays cancelled once its money is back. Refunded
    # once every card payment of the order is (a changed design's difference is one of its own).
    if all_refunded(order) and OrderStatus.REFUNDED in order.available_statuses():
        EventHandler().handle_order_status_change(order, OrderStatus.REFUNDED)
    events.order_refunded(order, amount, refund.reference)
    return refund
