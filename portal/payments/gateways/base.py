from dataclasses import dataclass


class GatewayUnavailable(Exception):
    """The gateway could not be reached or failed; nothing was charged."""


class PaymentDeclined(Exception):
    """The card was declined; `message` is safe to show the shopper."""


class PaymentUnknown(Exception):
    """The gateway does not know this payment (another account or mode, a deleted test object,
    an order from the demo data): asking again will not help, so it is not GatewayUnavailable."""


@dataclass(frozen=True)
class PaymentState:
    """A payment as the gateway reports it, in minor units."""

    reference: str
    status: str  # requires_payment_method | requires_action | processing | succeeded | canceled
    amount: int
    amount_received: int
    currency: str
    order_number: str
    client_secret: str = ""
    action_url: str = ""
    failure_message: str = ""

    @property
    def succeeded(self):
        return self.status == "succeeded"


@dataclass(frozen=True)
class RefundState:
    reference: str
    amount: int
    status: str
