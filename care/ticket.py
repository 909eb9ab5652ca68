"""A ticket: one customer's question or complaint, its state, promise, routing and links to the order."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import priority


class State(models.TextChoices):
    NEW = "new", _("New")
    OPEN = "open", _("Open")
    WAITING = "waiting", _("Waiting for customer")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


# The only changes change_state makes. A customer's reply moves WAITING or RESOLVED back to OPEN;
# CLOSED is final (a customer writes a new ticket, which may name the old one).
TRANSITIONS = {
    State.NEW: {State.OPEN, State.WAITING, State.RESOLVED, State.CLOSED},
    State.OPEN: {State.WAITING, State.RESOLVED, State.CLOSED},
    State.WAITING: {State.OPEN, State.RESOLVED, State.CLOSED},
    State.RESOLVED: {State.OPEN, State.CLOSED},
    State.CLOSED: set(),
}
ACTIVE_STATES = (State.NEW, State.OPEN, State.WAITING)

# The promise a ticket must keep next: its first response until there is one, then its resolution.
NEXT_DUE = models.Case(
    models.When(first_responded_at__isnull=True, then=models.F("first_response_due")),
    default=models.F("resolution_due"),
)


class Channel(models.TextChoices):
    WEB = "web", _("Web")
    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("Phone")
    STAFF = "staff", _("Staff")
    # Opened by the survey itself: a score of 3 or below.
    SURVEY = "survey", _("Survey")


class Severity(models.TextChoices):
    NONE = priority.NONE, _("Not a complaint")
    MINOR = priority.MINOR, _("Minor: a blemish, it still does its job")
    MAJOR = priority.MAJOR, _("A fault: it does not work as it should")
    SEVERE = priority.SEVERE, _("Unusable or unsafe")


class Ticket(models.Model):
    """Opened by a customer (or a guest with an address), routed to a queue, answered within a promise.

    Loaded for customers only through care.selectors, which filter by the requesting user (or
    the guest's signed link): another customer's reference is a 404.
    """

    reference = models.CharField(max_length=12, unique=True, editable=False)
    # An erased account takes its tickets with it: they are the customer's own words.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="care_tickets"
    )
    guest_email = models.EmailField(blank=True)
    guest_name = models.CharField(max_length=120, blank=True)
    topic = models.ForeignKey("care.Topic", on_delete=models.PROTECT, related_name="tickets")
    subject = models.CharField(max_length=200)
    state = models.CharField(max_length=10, choices=State.choices, default=State.NEW)
    priority = models.PositiveSmallIntegerField(choices=[(k, v) for k, v in priority.LABELS.items()])
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.NONE, blank=True)
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.WEB)
    order = models.ForeignKey(
        "order.Order", null=True, blank=True, on_delete=models.SET_NULL, related_name="care_tickets"
    )
    line = models.ForeignKey("order.Line", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    work_order = models.ForeignKey(
        "production.WorkOrder", null=True, blank=True, on_delete=models.SET_NULL, related_name="care_tickets"
    )
    # A Wagtail page id, not a foreign key: a help page may be deleted; the ticket keeps where it came from.
    help_page_id = models.PositiveIntegerField(null=True, blank=True)
    queue = models.ForeignKey("auth.Group", null=True, on_delete=models.SET_NULL, related_name="care_tickets")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="care_assigned"
    )
    opened_at = models.DateTimeField(default=timezone.now)
    first_response_due = models.DateTimeField()
    resolution_due = models.DateTimeField()
    first_responded_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    # Set while the ticket waits for the customer: the promise clock stops, and the due times move
    # on by the working time it waited when the ticket becomes active again.
    waiting_since = models.DateTimeField(null=True, blank=True)
    # When the sweep warned the queue that the next promise is near (once per ticket).
    warned_at = models.DateTimeField(null=True, blank=True)
    last_activity_at = models.DateTimeField(default=timezone.now)
    # When the customer last read the thread: staff replies after it are unread.
    customer_seen_at = models.DateTimeField(null=True, blank=True)
    # The opening form's one-time token: a double submit finds the ticket the first made.
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["-last_activity_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "-last_activity_at"], name="care_ticket_customer"),
            models.Index(fields=["state", "first_response_due"], name="care_ticket_promise"),
            models.Index(fields=["queue", "state", "resolution_due"], name="care_ticket_queue"),
            # The console's queue and the beat sweep: active tickets in the order of their next promise,
            # so a page of 50, or those due within the warning, is read from the index, not sorted.
            models.Index(
                NEXT_DUE,
                models.F("priority").desc(),
                models.F("id"),
                name="care_ticket_next_due",
                condition=models.Q(state__in=ACTIVE_STATES),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=False) | ~models.Q(guest_email=""), name="care_ticket_has_customer"
            ),
        ]
        permissions = [("answer_ticket", "Can answer customer tickets (care console)")]

    def __str__(self):
        return self.reference

    @property
    def is_guest(self):
        return self.user_id is None

    @property
    def customer_email(self):
        return self.user.email if self.user_id else self.guest_email

    @property
    def customer_name(self):
        if self.user_id:
            return self.user.get_full_name() or self.user.email
        return self.guest_name or self.guest_email

    @property
    def is_closed(self):
        return self.state == State.CLOSED

    @property
    def state_for_customer(self):
        """The state in the customer's words: we wait for *them*."""
        return _("Waiting for you") if self.state == State.WAITING else self.get_state_display()

    @property
    def priority_label(self):
        return self.get_priority_display()
