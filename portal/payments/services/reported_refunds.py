"""Refunds the gateway reports (Stripe's webhook): recorded once, never beyond what was paid; failures noted."""

import logging
import uuid
from dataclasses import dataclass

from django.db import transaction
from oscar.core.loading import get_model

from portal.order.notes import warn_once

from ..models import RefundRequest
from ..money import from_minor
from .refunds import record_refund

logger = logging.getLogger(__name__)

Order = get_model("order", "Order")
Source = get_model("payment", "Source")
Transaction = get_model("payment", "Transaction")


@dataclass(frozen=True)
class ReportedRefund:
    """A refund as Stripe reports it (webhook or API), in minor units."""

    reference: str
    payment_reference: str
    amount: int
    currency: str
    status: str
    request_token: str = ""


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
            record_refund(order, source, refund, user=request.requested_by, reason=request.reason)
        else:
            record_refund(order, source, refund, reason="made in the payment provider's dashboard")
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
