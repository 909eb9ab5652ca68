"""Stripe's webhook: verify the signature, then hand the event to `stripe_events` (stored, applied once).

Only a bad signature, a timestamp more than five minutes away from our clock (either way), or a
body that is not an event (no id or type) is refused before anything is stored; Stripe retries
those. Everything else is stored first, so nothing signed is lost.
"""

import logging
import time

import stripe
from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from configurator.throttling import client_address

from . import stripe_events

logger = logging.getLogger(__name__)

# Clock skew allowed between Stripe and us, in seconds, for old and for future-dated signatures.
TOLERANCE = 300


def verify(payload, header, secret):
    """Raise SignatureVerificationError unless `header` signs `payload` with `secret`, dated within
    TOLERANCE of now. Stripe's library checks only the past side: a signature dated an hour ahead
    would pass it, and stay valid for an hour and five minutes."""
    stripe.WebhookSignature.verify_header(payload.decode("utf-8"), header, secret, tolerance=TOLERANCE)
    stamps = [part.partition("=")[2] for part in header.split(",") if part.strip().startswith("t=")]
    if not stamps or not stamps[0].strip().isdigit() or int(stamps[0]) > time.time() + TOLERANCE:
        raise stripe.SignatureVerificationError("Timestamp in the future", header, payload)


@csrf_exempt  # Stripe cannot send our CSRF token; the signature is the protection
@require_POST
def stripe_webhook(request):
    payload = request.body
    signature = request.headers.get("Stripe-Signature", "")
    try:
        verify(payload, signature, settings.STRIPE_WEBHOOK_SECRET)
    except (ValueError, stripe.SignatureVerificationError) as error:
        logger.warning("Rejected Stripe webhook from %s: %s", client_address(request), error)
        return HttpResponseBadRequest("invalid signature")
    event = stripe_events.parse(payload)
    if event is None:
        logger.warning("Signed Stripe webhook is not an event (no id or type); refused: %.200r", payload)
        return HttpResponseBadRequest("not an event: an id and a type are required")
    answer = stripe_events.receive(event_id=event["id"], event_type=event["type"], payload=event)
    return HttpResponse(answer.text, status=answer.status, content_type="text/plain")
