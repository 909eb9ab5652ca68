"""What after-sales keeps besides Oscar's order, its notes and its payment records."""

import uuid

from django.db import models

REFUND_NAMESPACE = uuid.UUID("5b0f8f7e-3c1d-4a59-9f0e-6c0d2a7b1e41")


class Cancellation(models.Model):
    """An order the customer cancelled from the hub before production started; one per order."""

    class Reason(models.TextChoices):
        CHANGED_MIND = "changed-mind", "I changed my mind"
        MISTAKE = "mistake", "I ordered it by mistake"
        TOO_LATE = "too-late", "It would arrive too late"
        CHEAPER = "cheaper", "I found it cheaper elsewhere"
        OTHER = "other", "Another reason"

    order = models.OneToOneField("order.Order", on_delete=models.PROTECT, related_name="cancellation")
    # The confirmation form's one-time key: a double click, or the form sent again, cancels once.
    key = models.UUIDField(unique=True)
    # The refund's request token, so its idempotency key at the gateway: derived from the order
    # number alone, every attempt (the request's, the reconciler's) asks for the same refund.
    refund_token = models.UUIDField(unique=True, editable=False)
    reason = models.CharField(max_length=20, choices=Reason.choices)
    requested_by = models.ForeignKey("users.User", null=True, on_delete=models.SET_NULL, related_name="+")
    refund_amount = models.DecimalField(max_digits=12, decimal_places=2, help_text="Left to refund when cancelled")
    points_returned = models.PositiveIntegerField(default=0)
    points_taken_back = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"cancellation of order {self.order_id}"

    @staticmethod
    def refund_token_for(order_number):
        return uuid.uuid5(REFUND_NAMESPACE, f"cancellation:{order_number}")
