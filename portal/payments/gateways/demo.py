"""The demo gateway: Stripe's shape without Stripe, for the embedded profile (clearly test mode).

It knows Stripe's test cards: 4242 4242 4242 4242 pays, 4000 0000 0000 0002 is declined,
4000 0000 0000 9995 has insufficient funds, 4000 0025 0000 3155 asks for 3-D Secure.
"""

import secrets

from django.db import IntegrityError, transaction
from django.urls import reverse

from ..models import DemoPayment, DemoRefund
from .base import PaymentDeclined, PaymentState, PaymentUnknown, RefundState

DECLINES = {
    "4000000000000002": "Your card was declined.",
    "4000000000009995": "Your card has insufficient funds.",
    "4000000000000069": "Your card has expired.",
}
NEEDS_AUTHENTICATION = {"4000002500003155", "4000002760003184"}
APPROVED = {"4242424242424242", "5555555555554444"}


def _state(payment):
    action_url = (
        reverse("payments:demo-authenticate", args=[payment.reference])
        if payment.status == DemoPayment.Status.REQUIRES_ACTION
        else ""
    )
    return PaymentState(
        reference=payment.reference,
        status=payment.status,
        amount=payment.amount,
        amount_received=payment.amount if payment.status == DemoPayment.Status.SUCCEEDED else 0,
        currency=payment.currency,
        order_number=payment.order_number,
        client_secret="",
        action_url=action_url,
        failure_message=payment.failure_message,
    )


def _payment(reference, *, lock=False):
    payments = DemoPayment.objects.select_for_update() if lock else DemoPayment.objects
    payment = payments.filter(reference=reference).first()
    if payment is None:
        raise PaymentUnknown(f"The demo gateway has no payment {reference}.")
    return payment


class DemoGateway:
    name = "Demo gateway"
    test_mode = True

    def create_payment(self, *, order_number, amount, currency, email="", key="", description="", metadata=None):
        key = key or f"pi:{order_number}:{amount}:{currency}"
        existing = DemoPayment.objects.filter(idempotency_key=key).first()
        if existing:
            return _state(existing)
        try:
            with transaction.atomic():
                payment = DemoPayment.objects.create(
                    reference=f"demo_pi_{secrets.token_hex(10)}",
                    idempotency_key=key,
                    order_number=order_number,
                    amount=amount,
                    currency=currency,
                )
        except IntegrityError:  # a concurrent double submit created it first
            payment = DemoPayment.objects.get(idempotency_key=key)
        return _state(payment)

    def retrieve(self, reference):
        return _state(_payment(reference))

    def confirm(self, reference, card_number):
        """Charge a test card. Returns the new state; a declined card leaves it payable again."""
        digits = "".join(character for character in card_number if character.isdigit())
        with transaction.atomic():
            payment = _payment(reference, lock=True)
            if payment.status in (DemoPayment.Status.SUCCEEDED, DemoPayment.Status.CANCELED):
                return _state(payment)
            payment.card_last4 = digits[-4:]
            payment.failure_message = ""
            if digits in DECLINES:
                payment.status = DemoPayment.Status.REQUIRES_PAYMENT_METHOD
                payment.failure_message = DECLINES[digits]
            elif digits in NEEDS_AUTHENTICATION:
                payment.status = DemoPayment.Status.REQUIRES_ACTION
            elif digits in APPROVED:
                payment.status = DemoPayment.Status.SUCCEEDED
            else:
                payment.failure_message = "Use one of the test cards shown: this is a demo shop."
            payment.save()
        # Raised after the commit: the declined attempt is recorded, as Stripe records it.
        if payment.failure_message:
            raise PaymentDeclined(payment.failure_message)
        return _state(payment)

    def authenticate(self, reference, *, success):
        with transaction.atomic():
            payment = _payment(reference, lock=True)
            if payment.status == DemoPayment.Status.REQUIRES_ACTION:
                if success:
                    payment.status = DemoPayment.Status.SUCCEEDED
                else:
                    payment.status = DemoPayment.Status.REQUIRES_PAYMENT_METHOD
                    payment.failure_message = "We could not authenticate your payment."
                payment.save()
        return _state(payment)

    def cancel(self, reference):
        DemoPayment.objects.filter(reference=reference).exclude(status=DemoPayment.Status.SUCCEEDED).update(
            status=DemoPayment.Status.CANCELED
        )
        return self.retrieve(reference)

    def refund(self, *, reference, amount, idempotency_key, order_number, request_token=""):
        with transaction.atomic():
            existing = DemoRefund.objects.filter(idempotency_key=idempotency_key).first()
            if existing:
                return RefundState(reference=existing.reference, amount=existing.amount, status="succeeded")
            payment = _payment(reference, lock=True)
            if payment.status != DemoPayment.Status.SUCCEEDED:
                raise PaymentDeclined("Only a paid payment can be refunded.")
            if amount > payment.amount - payment.refunded:
                raise PaymentDeclined("The refund is more than what is left to refund.")
            refund = DemoRefund.objects.create(
                reference=f"demo_re_{secrets.token_hex(10)}",
                idempotency_key=idempotency_key,
                payment=payment,
                amount=amount,
            )
            payment.refunded += amount
            payment.save(update_fields=["refunded", "updated_at"])
        return RefundState(reference=refund.reference, amount=amount, status="succeeded")
