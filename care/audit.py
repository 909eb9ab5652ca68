"""The audit trail of a ticket: every change of state, assignee, priority and queue, with who and when."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .thread import Author


class EventKind(models.TextChoices):
    OPENED = "opened", _("Opened")
    STATE = "state", _("State changed")
    ASSIGNEE = "assignee", _("Assigned")
    PRIORITY = "priority", _("Priority changed")
    QUEUE = "queue", _("Queue changed")
    ESCALATED = "escalated", _("Escalated")
    FIRST_RESPONSE = "first_response", _("First response")
    WARNED = "warned", _("Promise near")
    REMAKE = "remake", _("Remake or repair started")
    # A return or warranty claim filed on the ticket, and staff's decision on it.
    CLAIM = "claim", _("Claim")
    # A help article drafted from the ticket, or published.
    ARTICLE = "article", _("Help article")
    # The promise clock stopped while the ticket waited for the customer, and started again.
    PAUSED = "paused", _("Promise paused")
    RESUMED = "resumed", _("Promise resumed")


class TicketEvent(models.Model):
    """One change, never edited: `before` and `after` as the words staff read in the console."""

    ticket = models.ForeignKey("care.Ticket", on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=EventKind.choices)
    before = models.CharField(max_length=120, blank=True)
    after = models.CharField(max_length=120, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_kind = models.CharField(max_length=10, choices=Author.choices)
    note = models.CharField(max_length=255, blank=True)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created", "pk"]

    def __str__(self):
        return f"{self.ticket_id} {self.kind}: {self.before} → {self.after}"
