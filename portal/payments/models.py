"""What the payment side keeps besides Oscar's sources and transactions."""

from django.db import models


class StripeEvent(models.Model):
    """Every webhook event received, stored before it is processed, processed once.

    The event id is the primary key: a replayed or duplicated delivery finds its row
    and changes nothing.
    """

    event_id = models.CharField(max_length=255, primary_key=True)
    type = models.CharField(max_length=100)
    payload = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    result = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self):
        return f"{self.type} {self.event_id}"


class DemoPayment(models.Model):
    """A payment through the demo gateway: the embedded profile's stand-in for Stripe, in test mode."""

    class Status(models.TextChoices):
        REQUIRES_PAYMENT_METHOD = "requires_payment_method"
        REQUIRES_ACTION = "requires_action"
        SUCCEEDED = "succeeded"
        CANCELED = "canceled"

    reference = models.CharField(max_length=40, unique=True)
    idempotency_key = models.CharField(max_length=255, unique=True)
    order_number = models.CharField(max_length=128, db_index=True)
    amount = models.PositiveIntegerField(help_text="In minor units (pence)")
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=30, choices=Status.choices, default=Status.REQUIRES_PAYMENT_METHOD)
    card_last4 = models.CharField(max_length=4, blank=True)
    failure_message = models.CharField(max_length=255, blank=True)
    refunded = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.reference} {self.status}"


class DemoRefund(models.Model):
    reference = models.CharField(max_length=40, unique=True)
    idempotency_key = models.CharField(max_length=255, unique=True)
    payment = models.ForeignKey(DemoPayment, on_delete=models.CASCADE, related_name="refunds")
    amount = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.reference} {self.amount}"


class RefundRequest(models.Model):
    """A refund staff asked for: who, how much, why; one per form submission (its token)."""

    token = models.UUIDField(unique=True)
    order = models.ForeignKey("order.Order", on_delete=models.PROTECT, related_name="refund_requests")
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    reason = models.CharField(max_length=200, blank=True)
    requested_by = models.ForeignKey("users.User", null=True, on_delete=models.SET_NULL, related_name="+")
    gateway_reference = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        permissions = [("refund_order", "Can refund orders through the payment gateway")]

    def __str__(self):
        return f"{self.amount} on {self.order_id}"
