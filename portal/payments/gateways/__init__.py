"""One interface, two gateways: Stripe in production, the demo gateway without keys.

Everything after the gateway call (recording the payment, marking the order paid,
refunds) is the same code for both, so the demo exercises the real path.
"""

from django.conf import settings

from .base import GatewayUnavailable, PaymentDeclined, PaymentState, PaymentUnknown, RefundState


def gateway():
    if settings.STRIPE_SECRET_KEY:
        from .stripe import StripeGateway

        return StripeGateway()
    from .demo import DemoGateway

    return DemoGateway()


__all__ = ["GatewayUnavailable", "PaymentDeclined", "PaymentState", "PaymentUnknown", "RefundState", "gateway"]
