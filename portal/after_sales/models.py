"""What after-sales keeps besides Oscar's order, its notes and its payment records."""

import json
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


class DesignChange(models.Model):
    """A customer's change to the configuration of one paid line, before production started.

    The old and new configuration are the line's configuration texts (family, version, values,
    summary), as the configurator writes them. A dearer design waits for its difference to be paid
    (a new payment of its own) and changes nothing until then; a cheaper or equal one is applied at
    once and the difference refunded under `refund_token`.
    """

    class State(models.TextChoices):
        AWAITING_PAYMENT = "awaiting-payment", "Awaiting payment of the difference"
        APPLIED = "applied", "Applied"
        ABANDONED = "abandoned", "Abandoned: the order stays as it was"
        REFUSED = "refused", "Refused: production started first"

    order = models.ForeignKey("order.Order", on_delete=models.PROTECT, related_name="design_changes")
    line = models.ForeignKey("order.Line", on_delete=models.PROTECT, related_name="design_changes")
    # The confirmation form's one-time key: a double click, or the form sent again, changes once.
    key = models.UUIDField(unique=True)
    # The refund's request token (so the gateway's idempotency key): derived from the key.
    refund_token = models.UUIDField(unique=True, editable=False)
    state = models.CharField(max_length=20, choices=State.choices)
    requested_by = models.ForeignKey("users.User", null=True, on_delete=models.SET_NULL, related_name="+")
    old_configuration = models.TextField()
    new_configuration = models.TextField()
    old_price = models.DecimalField(max_digits=12, decimal_places=2, help_text="The line's price, VAT included")
    new_price = models.DecimalField(max_digits=12, decimal_places=2)
    difference = models.DecimalField(max_digits=12, decimal_places=2, help_text="Charged if above zero, else refunded")
    currency = models.CharField(max_length=12)
    old_ship_date = models.DateField(null=True, blank=True)
    new_ship_date = models.DateField(null=True, blank=True)
    # The difference's own payment (charged) or the refund made for it.
    payment_reference = models.CharField(max_length=255, blank=True, db_index=True)
    failure_message = models.CharField(max_length=255, blank=True)
    refusal = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["line"], condition=models.Q(state="awaiting-payment"), name="after_sales_one_change_awaiting"
            )
        ]

    def __str__(self):
        return f"design change {self.pk} of order {self.order_id} ({self.state})"

    @staticmethod
    def refund_token_for(key):
        return uuid.uuid5(REFUND_NAMESPACE, f"design-change:{key}")

    @property
    def differences(self):
        """[(option, old choice, new choice)] for each option the change altered, in words."""
        return summary_differences(self.old_configuration, self.new_configuration)

    @property
    def refund_amount(self):
        """What comes back to the card for a cheaper design (zero for a dearer one)."""
        return max(-self.difference, 0)


def _summary(text):
    """The configuration text's summary as {option name: choice in words}."""
    try:
        rows = json.loads(text).get("summary") or []
        return {str(name): str(value) for name, value in rows}
    except (TypeError, ValueError, AttributeError):
        return {}


def summary_differences(old_text, new_text):
    old, new = _summary(old_text), _summary(new_text)
    names = list(old) + [name for name in new if name not in old]
    return [(name, old.get(name, "—"), new.get(name, "—")) for name in names if old.get(name) != new.get(name)]
