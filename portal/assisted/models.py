"""An assisted basket: an Oscar basket staff build for one customer, and where it stands."""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def new_nonce():
    return secrets.token_urlsafe(16)


class AssistedBasket(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Being built")
        SENT = "sent", _("Sent for payment")
        ACCEPTED = "accepted", _("Accepted by the customer")
        REPLACED = "replaced", _("Replaced by a newer basket")

    basket = models.OneToOneField("basket.Basket", on_delete=models.CASCADE, related_name="assisted")
    # Whose it is: the basket itself has no owner until the customer accepts it (see the package docstring).
    customer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assisted_baskets")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="assisted_baskets_built"
    )
    ticket = models.ForeignKey(
        "care.Ticket", null=True, blank=True, on_delete=models.SET_NULL, related_name="assisted_baskets"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    # Half of what the pay link signs; a new one would void a link already sent.
    nonce = models.CharField(max_length=32, default=new_nonce, editable=False)
    # The "start a basket" form's one-time token: a double submit finds the basket the first made.
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    # Claimed before the pay-link e-mail is sent, given back if sending fails: one e-mail per sending.
    emailed_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    replaced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["customer", "state"], name="assisted_customer_state")]

    def __str__(self):
        return f"Assisted basket {self.pk} for {self.customer_id} ({self.state})"

    @property
    def is_draft(self):
        return self.state == self.State.DRAFT

    def is_expired(self, now=None):
        return self.expires_at is not None and (now or timezone.now()) >= self.expires_at
