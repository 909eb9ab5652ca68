"""Stripe's webhook: verify the signature, store the event, process it once.

The event row and its effect commit together: if processing fails the row is rolled back
and Stripe's retry finds nothing stored, so no event is lost; a replay finds the row and
changes nothing.
"""

import json
import logging

import stripe
from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpResponse, HttpResponseBadRequest
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import services
from .gateways.base import RefundState
from .gateways.stripe import _state
from .models import StripeEvent

logger = logging.getLogger(__name__)

PAYMENT_EVENTS = {
    "payment_intent.succeeded",
    "payment_intent.payment_failed",
    "payment_intent.canceled",
    "payment_intent.requires_action",
    "payment_intent.processing",
}
REFUND_EVENTS = {"refund.created", "refund.updated"}


def _process(event):
    obj = event.data.object
    if event.type in PAYMENT_EVENTS:
        return services.apply_payment_state(_state(obj), via=f"webhook {event.type}").result
    if event.type in REFUND_EVENTS:
        if getattr(obj, "status", "") not in ("succeeded", "pending"):
            return f"ignored refund {obj.status}"
        refund = RefundState(reference=obj.id, amount=obj.amount, status=obj.status)
        recorded = services.record_external_refund(payment_reference=obj.payment_intent, refund=refund)
        return "refund recorded" if recorded else "refund already recorded"
    return "ignored: not an event this shop handles"


@csrf_exempt  # Stripe cannot send our CSRF token; the signature is the protection
@require_POST
def stripe_webhook(request):
    payload = request.body
    signature = request.headers.get("Stripe-Signature", "")
    try:
        event = stripe.Webhook.construct_event(payload, signature, settings.STRIPE_WEBHOOK_SECRET)
    except (ValueError, stripe.SignatureVerificationError) as error:
        logger.warning("Rejected Stripe webhook from %s: %s", request.META.get("REMOTE_ADDR"), error)
        return HttpResponseBadRequest("invalid signature")

    with transaction.atomic():
        try:
            with transaction.atomic():
                stored = StripeEvent.objects.create(event_id=event.id, type=event.type, payload=json.loads(payload))
        except IntegrityError:
            logger.info("Stripe event %s already processed; replay ignored", event.id)
            return HttpResponse("duplicate", status=200)
        stored.result = _process(event)[:255]
        stored.processed_at = timezone.now()
        stored.save(update_fields=["result", "processed_at"])
    return HttpResponse(stored.result, status=200)
