"""Stripe PaymentIntents through the official client.

Every write carries an idempotency key derived from the order, so a double click, a
retried task or a second browser tab reaches the same PaymentIntent or refund. The
client retries network failures itself with the same key.
"""

import logging

import stripe
from django.conf import settings

from .base import GatewayUnavailable, PaymentDeclined, PaymentState, PaymentUnknown, RefundState

logger = logging.getLogger(__name__)

# Failures of Stripe or of the way to it: nothing is known about the object, try again later.
UNAVAILABLE = (
    stripe.APIConnectionError,
    stripe.APIError,
    stripe.RateLimitError,
    stripe.AuthenticationError,
    stripe.PermissionError,
)


def client():
    options = {"max_network_retries": 2}
    if settings.STRIPE_API_BASE:
        options["base_addresses"] = {"api": settings.STRIPE_API_BASE}
    return stripe.StripeClient(settings.STRIPE_SECRET_KEY, **options)


def _state(intent):
    action = getattr(intent, "next_action", None)
    action_url = ""
    if action is not None and getattr(action, "type", "") == "redirect_to_url":
        action_url = action.redirect_to_url.url
    error = getattr(intent, "last_payment_error", None)
    metadata = intent.metadata.to_dict() if getattr(intent, "metadata", None) else {}
    return PaymentState(
        reference=intent.id,
        status=intent.status,
        amount=intent.amount,
        amount_received=getattr(intent, "amount_received", 0) or 0,
        currency=intent.currency.upper(),
        order_number=metadata.get("order_number", ""),
        client_secret=getattr(intent, "client_secret", "") or "",
        action_url=action_url,
        failure_message=getattr(error, "message", "") if error else "",
    )


class StripeGateway:
    name = "Stripe"
    test_mode = False

    def create_payment(self, *, order_number, amount, currency, email="", key="", description="", metadata=None):
        """A PaymentIntent for the order's total; `key`, `description` and `metadata` for another
        payment of the same order (the difference of a changed design)."""
        key = key or f"pi:{order_number}:{amount}:{currency}"
        params = {
            "amount": amount,
            "currency": currency.lower(),
            "metadata": {**(metadata or {}), "order_number": order_number},
            "automatic_payment_methods": {"enabled": True},
            "description": description or f"Atelier order {order_number}",
        }
        if email:
            params["receipt_email"] = email
        try:
            intent = client().v1.payment_intents.create(params=params, options={"idempotency_key": key})
        except stripe.IdempotencyError:
            # The same order was submitted before with other parameters; never reuse its intent.
            raise GatewayUnavailable("This order changed after payment started; please check out again.") from None
        except (stripe.APIConnectionError, stripe.APIError, stripe.RateLimitError, stripe.AuthenticationError) as error:
            logger.error("Stripe unavailable creating payment for order %s: %s", order_number, error)
            raise GatewayUnavailable(str(error)) from error
        return _state(intent)

    def retrieve(self, reference):
        try:
            return _state(client().v1.payment_intents.retrieve(reference))
        except stripe.InvalidRequestError as error:
            # resource_missing: another account or mode, or a test object since deleted.
            raise PaymentUnknown(f"Stripe does not know payment {reference}: {error.user_message or error}") from error
        except UNAVAILABLE as error:
            raise GatewayUnavailable(str(error)) from error

    def cancel(self, reference):
        try:
            return _state(
                client().v1.payment_intents.cancel(reference, options={"idempotency_key": f"pi-cancel:{reference}"})
            )
        except stripe.InvalidRequestError:
            return self.retrieve(reference)  # already succeeded or cancelled (or unknown): report what it is
        except UNAVAILABLE as error:
            raise GatewayUnavailable(str(error)) from error

    def refund(self, *, reference, amount, idempotency_key, order_number, request_token=""):
        metadata = {"order_number": order_number}
        if request_token:
            # The webhook for this refund may arrive before this call returns: the token lets it
            # find the staff member's request (who and why) instead of calling it a refund made elsewhere.
            metadata["refund_request"] = str(request_token)
        params = {"payment_intent": reference, "amount": amount, "metadata": metadata}
        try:
            refund = client().v1.refunds.create(params=params, options={"idempotency_key": idempotency_key})
        # A card error (402) is the bank saying no to this refund: the button may be tried again later.
        except (stripe.InvalidRequestError, stripe.CardError) as error:
            raise PaymentDeclined(error.user_message or str(error)) from error
        except UNAVAILABLE as error:
            raise GatewayUnavailable(str(error)) from error
        return RefundState(reference=refund.id, amount=refund.amount, status=refund.status)

    def retrieve_refund(self, reference):
        """The refund as Stripe has it: what a webhook whose payload is incomplete is checked against."""
        try:
            refund = client().v1.refunds.retrieve(reference)
        except stripe.InvalidRequestError as error:
            raise PaymentUnknown(f"Stripe does not know refund {reference}: {error.user_message or error}") from error
        except UNAVAILABLE as error:
            raise GatewayUnavailable(str(error)) from error
        return refund
