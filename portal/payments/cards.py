"""Which card paid for an order, as Stripe's card fingerprint: the same card number gives the same
fingerprint on every payment of this Stripe account, so it can tell one person's card from
another's without the number. The demo gateway takes no real cards and has none."""

import stripe
from django.conf import settings

from .gateways.base import GatewayUnavailable
from .gateways.stripe import UNAVAILABLE, client
from .selectors import card_source


def card_fingerprint(order):
    """The fingerprint of the card that paid `order`, or "" (demo mode, no card payment, a payment
    Stripe does not know, a payment method that is not a card). GatewayUnavailable when Stripe
    cannot be asked now: the caller tries again later rather than decide without it."""
    if not settings.STRIPE_SECRET_KEY:
        return ""
    source = card_source(order)
    if source is None or not source.reference:
        return ""
    try:
        stripe_client = client()
        method = stripe_client.v1.payment_intents.retrieve(source.reference).payment_method
        if not method:
            return ""
        if isinstance(method, str):
            method = stripe_client.v1.payment_methods.retrieve(method)
    except stripe.InvalidRequestError:
        return ""
    except UNAVAILABLE as error:
        raise GatewayUnavailable(str(error)) from error
    card = getattr(method, "card", None)
    return (getattr(card, "fingerprint", "") or "") if card else ""


def card_fingerprints(orders):
    """The fingerprints of the cards that paid `orders`, without blanks."""
    return {fingerprint for fingerprint in (card_fingerprint(order) for order in orders) if fingerprint}
