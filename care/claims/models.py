"""A claim: one line of a delivered order sent back (a return of stocked goods) or claimed under
the warranty (made-to-order goods), with its RMA number, the customer's words and photos (on the
ticket's message), and staff's one decision."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

REFUND_NAMESPACE = uuid.UUID("6f1d3c2e-9b7a-4a51-8e0f-3c1b2d4e5f60")


class ClaimKind(models.TextChoices):
    RETURN = "return", _("Return")
    WARRANTY = "warranty", _("Warranty claim")


class Decision(models.TextChoices):
    REFUND = "refund", _("Refund")
    # The same amount as a refund, added to the customer's wallet (loyalty.wallet) at once.
    STORE_CREDIT = "credit", _("Store credit")
    REPAIR = "repair", _("Repair")
    REMAKE = "remake", _("Remake")
    REJECT = "reject", _("Reject")


class Claim(models.Model):
    """Decided once: the decision is written by a conditional UPDATE of an undecided row, so two
    staff deciding at the same moment (or one twice) leave the first decision standing."""

    rma = models.CharField(_("RMA number"), max_length=12, unique=True, editable=False)
    kind = models.CharField(max_length=10, choices=ClaimKind.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="care_claims")
    order = models.ForeignKey("order.Order", on_delete=models.PROTECT, related_name="care_claims")
    line = models.ForeignKey("order.Line", on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(default=1)
    reason = models.TextField()
    # An erased account takes its tickets, and so its claims, with it (the order and the work order stay).
    ticket = models.ForeignKey("care.Ticket", on_delete=models.CASCADE, related_name="claims")
    # The customer's words and photos as a message on the ticket: served like any attachment,
    # privately, to the owner and the care console.
    message = models.ForeignKey("care.TicketMessage", on_delete=models.CASCADE, related_name="+")
    delivered_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)
    submission_key = models.UUIDField(unique=True, editable=False)

    decision = models.CharField(max_length=10, choices=Decision.choices, blank=True, default="")
    decision_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    # A refund or store credit: the amount fixed on the server when decided. A refund's gateway is
    # asked with a key from the RMA; store credit is given in the deciding transaction.
    refund_amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    refunded_amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    refunded_at = models.DateTimeField(null=True, blank=True)
    remake = models.OneToOneField("care.Remake", null=True, blank=True, on_delete=models.SET_NULL, related_name="claim")

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One undecided claim per item: a second waits for the first's decision.
            models.UniqueConstraint(fields=["line"], condition=models.Q(decision=""), name="care_claim_open_per_line"),
        ]
        indexes = [models.Index(fields=["decision", "created_at"], name="care_claim_queue")]
        permissions = [("decide_claim", "Can decide returns and warranty claims (care console)")]

    def __str__(self):
        return self.rma

    @property
    def is_decided(self):
        return bool(self.decision)

    @property
    def refund_token(self):
        """The refund request's token (so the gateway's idempotency key): one refund per claim."""
        return uuid.uuid5(REFUND_NAMESPACE, f"claim:{self.rma}")


class ClaimStep(models.TextChoices):
    FILED = "filed", _("Filed")
    DECIDED = "decided", _("Decided")
    REFUNDED = "refunded", _("Refunded")


class ClaimEvent(models.Model):
    """A step the customer is told of (on the timeline and by e-mail), once per claim and step."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="events")
    step = models.CharField(max_length=10, choices=ClaimStep.choices)
    at = models.DateTimeField()
    words = models.TextField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Claimed by a conditional UPDATE before the e-mail is sent, given back if sending fails.
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        constraints = [models.UniqueConstraint(fields=["claim", "step"], name="care_claim_step_once")]

    def __str__(self):
        return f"{self.claim_id} {self.step}"
