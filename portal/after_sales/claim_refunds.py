"""A claim decided as a refund gets its money back through the dashboard's refund path: care decides
(care.claims), the portal pays, as care may not import the payments. Registered with care at start-up
(portal/apps.py); the `claim-refunds` reconciler asks again for one the gateway refused."""

import logging

from django.utils import timezone

from care.claims import selectors as claim_selectors
from care.claims import services as claim_services
from portal.order.notes import warn_once

from ..payments.models import RefundRequest
from ..payments.selectors import REFUND_IN_FLIGHT, card_source, refundable
from ..payments.services.refunds import RefundRefused, refund_order

logger = logging.getLogger(__name__)


def refund_claim(*, claim_id):
    """Refund the claim's amount (fixed by care when decided, at most what is left of the payment),
    once per claim: the request token, so the gateway's idempotency key, derives from the RMA, and a
    refund already recorded is not asked again. Recorded on the claim (`record_refund`: timeline,
    thread, e-mail). A refusal or any failure is noted on the order once, for staff, and None is
    returned: the decision stands and the reconciler asks again with the same key."""
    claim = claim_selectors.claim_to_refund(claim_id)
    if claim is None:
        return None
    order = claim.order
    # A request whose gateway call never came back (its worker killed) is asked again, same key.
    RefundRequest.objects.filter(
        token=claim.refund_token, gateway_reference="", created_at__lt=timezone.now() - REFUND_IN_FLIGHT
    ).delete()
    made = RefundRequest.objects.filter(token=claim.refund_token).exclude(gateway_reference="").first()
    try:
        if made is None:
            if card_source(order) is None:
                raise RefundRefused("This order has no card payment to refund.")
            amount = min(claim.refund_amount, refundable(order))
            made = refund_order(
                order=order,
                amount=amount,
                request_token=claim.refund_token,
                user=claim.decided_by,
                reason=f"{claim.get_kind_display()} {claim.rma}: {claim.line.title} × {claim.quantity}",
            )
    except RefundRefused as refused:
        reason = str(refused)
    except Exception as error:  # anything else too: the decision stands and the reconciler asks again
        logger.exception("Claim %s: the refund failed", claim.rma)
        reason = f"{type(error).__name__}: {error}"
    else:
        if made.gateway_reference:
            claim_services.record_refund(claim_id=claim.pk, amount=made.amount)
        return made
    message = (
        f"The refund for claim {claim.rma} was not made: {reason} It is asked for again automatically "
        "every 15 minutes (the same refund, never twice); or refund it from Payment and refunds."
    )
    if warn_once(order, message):
        logger.warning("Order %s: %s", order.number, message)
    return None


def retry_refund(claim_id):
    """The reconciler's redo: the claim's refund asked for again (same key)."""
    return refund_claim(claim_id=claim_id)
