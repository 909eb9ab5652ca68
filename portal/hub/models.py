"""What the hub itself stores: a customer's request to close their account."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DeletionRequest(models.Model):
    """A request to erase an account, carried out after a grace period the customer can cancel in.

    The row outlives the account (user set to null) as the record that the erasure happened;
    it keeps no personal data once erased.
    """

    reference = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="deletion_request"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    erase_after = models.DateTimeField()
    cancelled_at = models.DateTimeField(null=True, blank=True)
    erased_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("account deletion request")
        indexes = [models.Index(fields=["erase_after"], name="hub_deletion_due")]

    def __str__(self):
        return f"Deletion request {self.reference}"

    @property
    def is_pending(self):
        return self.cancelled_at is None and self.erased_at is None
