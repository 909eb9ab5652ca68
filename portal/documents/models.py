"""What the documents keep: whether each order's confirmation went out."""

from datetime import timedelta

from django.db import models

# A claim older than this was left by a worker that died while sending: another may take over.
STALE_CLAIM = timedelta(minutes=15)


class OrderConfirmation(models.Model):
    """The order's confirmation email: claimed by the worker sending it, then marked sent.

    The claim is committed before the invoice is rendered and the email sent, so nothing is
    locked while they take their time, and a second worker (a retry, a duplicate message) finds
    the claim and sends nothing. A claim whose worker died is taken over once it is stale.
    """

    order = models.OneToOneField("order.Order", on_delete=models.CASCADE, related_name="confirmation")
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Why it could not be sent (no address); the reconciler leaves such an order alone.
    skipped = models.CharField(max_length=255, blank=True)

    class Meta:
        # Made by the payments app before documents were an app of their own; the table stayed.
        db_table = "payments_orderconfirmation"

    def __str__(self):
        return f"confirmation of {self.order_id}"
