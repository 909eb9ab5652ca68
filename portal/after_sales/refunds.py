"""A cancelled order's money back: the dashboard's refund path, asked for with a key derived from
the order, so the request, a retry and the reconciler all ask the gateway for the same refund."""

import logging
from datetime import timedelta

from django.db.models import Exists, F, OuterRef
from django.utils import timezone
from oscar.core.loading import get_model

from portal.order.notes import warn_once

from ..payments.models import RefundRequest
from ..payments.selectors import CARD_SOURCES, REFUND_IN_FLIGHT, card_source, refundable
from ..payments.services.refunds import RefundRefused, refund_order
from . import change_payments
from .models import Cancellation

logger = logging.getLogger(__name__)
Source = get_model("payment", "Source")

REASON = "Cancelled by the customer before production started"


def refund_cancellation(*, cancellation_id):
    """Refund what is left of the cancelled order's card payment, in full. Idempotent: the request
    token (and so the gateway's idempotency key) derives from the order, and nothing is asked once
    the payment is refunded. A refusal or an unreachable gateway is noted on the order once, for
    staff (the order is also listed under "Paid but cancelled: to refund"), and None returned;
    so is any other failure (the customer's request must not fail after the cancellation
    committed); the `cancellation-refunds` reconciler asks again. Returns the RefundRequest, or None."""
    cancellation = Cancellation.objects.select_related("order", "requested_by").get(pk=cancellation_id)
    order = cancellation.order
    # A difference paid for a changed design is a payment of its own: back too, with its own key.
    change_payments.refund_paid_changes(order=order)
    amount = refundable(order)
    if card_source(order) is None or amount <= 0:
        return None
    # A request whose gateway call never came back (its worker killed) is asked again, same key.
    RefundRequest.objects.filter(
        token=cancellation.refund_token, gateway_reference="", created_at__lt=timezone.now() - REFUND_IN_FLIGHT
    ).delete()
    try:
        return refund_order(
            order=order,
            amount=amount,
            request_token=cancellation.refund_token,
            user=cancellation.requested_by,
            reason=REASON,
        )
    except RefundRefused as refused:
        reason = str(refused)
    except Exception as error:  # anything else too: the cancellation stands and the reconciler asks again
        logger.exception("Order %s: the cancellation's refund failed", order.number)
        reason = f"{type(error).__name__}: {error}"
    message = (
        f"The refund of this cancelled order was not made: {reason} It is asked for again automatically "
        "every 15 minutes (the same refund, never twice); or refund it from Payment and refunds."
    )
    if warn_once(order, message):
        logger.warning("Order %s: %s", order.number, message)
    return None


def cancellations_to_refund(*, within=timedelta(days=30), limit=200):
    """Ids of cancellations of the last `within` whose card payment still holds money and whose
    refund was never made (a refusal, Stripe unreachable, a worker killed): the reconciler's finder."""
    holding_money = Source.objects.filter(
        order=OuterRef("order"), source_type__name__in=CARD_SOURCES, amount_debited__gt=F("amount_refunded")
    )
    made = RefundRequest.objects.filter(token=OuterRef("refund_token")).exclude(gateway_reference="")
    return list(
        Cancellation.objects.filter(created_at__gte=timezone.now() - within)
        .filter(Exists(holding_money))
        .exclude(Exists(made))
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )


def retry_refund(cancellation_id):
    """The reconciler's redo: the cancellation's refund asked for again (same key)."""
    return refund_cancellation(cancellation_id=cancellation_id)
