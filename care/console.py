"""Reads for the staff console: the queue sorted by time to breach, a ticket with everything staff see.

Staff see every ticket; these are used only behind the console's permission (care.access).
"""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Case, F, Q, When
from django.http import Http404
from django.utils import timezone
from oscar.core.loading import get_model

from loyalty.selectors.accounts import account_summary

from .access import CARE_AGENTS
from .references import normalised
from .thread import TicketAttachment
from .ticket import ACTIVE_STATES, State, Ticket
from .topic import Topic

Order = get_model("order", "Order")

# The promise a ticket must keep next: its first response until there is one, then its resolution.
NEXT_DUE = Case(
    When(first_responded_at__isnull=True, then=F("first_response_due")),
    default=F("resolution_due"),
)


@dataclass
class QueueFilters:
    queue: int | None = None
    topic: int | None = None
    state: str = "active"  # "active", "all" or a State
    assignee: str = "any"  # "any", "me", "none"
    due: str = ""  # "", "overdue", "today" (due within 8 h)
    text: str = ""


def queue(*, filters, user, now=None):
    """Tickets matching `filters`, the next promise to breach first; each with `next_due`.

    One query (the page slices it); the queue, topic, assignee and customer come with it.
    """
    now = now or timezone.now()
    tickets = Ticket.objects.select_related("topic", "queue", "assignee", "user").annotate(next_due=NEXT_DUE)
    if filters.state == "active":
        tickets = tickets.filter(state__in=ACTIVE_STATES)
    elif filters.state in State.values:
        tickets = tickets.filter(state=filters.state)
    if filters.queue:
        tickets = tickets.filter(queue_id=filters.queue)
    if filters.topic:
        tickets = tickets.filter(topic_id=filters.topic)
    if filters.assignee == "me":
        tickets = tickets.filter(assignee=user)
    elif filters.assignee == "none":
        tickets = tickets.filter(assignee__isnull=True)
    if filters.due == "overdue":
        tickets = tickets.filter(next_due__lt=now)
    elif filters.due == "today":
        tickets = tickets.filter(next_due__lt=now + timezone.timedelta(hours=8))
    text = filters.text.strip()
    if text:
        reference = normalised(text)
        tickets = tickets.filter(
            Q(reference=reference) if reference else Q(user__email__iexact=text) | Q(guest_email__iexact=text)
        )
    return tickets.order_by("next_due", "-priority", "pk")


def queues():
    return (
        Group.objects.filter(Q(care_topics__isnull=False) | Q(care_tickets__isnull=False)).distinct().order_by("name")
    )


def topics():
    return Topic.objects.order_by("position", "name")


def agents():
    """Staff who may answer tickets (the console's permission, through a group or their own)."""
    app_label, codename = CARE_AGENTS[1].split(".")
    permission = Q(groups__permissions__codename=codename, groups__permissions__content_type__app_label=app_label) | Q(
        user_permissions__codename=codename, user_permissions__content_type__app_label=app_label
    )
    return (
        get_user_model()
        .objects.filter(is_staff=True, is_active=True)
        .filter(permission | Q(is_superuser=True))
        .distinct()
        .order_by("first_name", "email")
    )


def ticket(*, reference):
    found = (
        Ticket.objects.select_related("topic", "queue", "assignee", "user", "order", "line", "work_order")
        .filter(reference=normalised(reference))
        .first()
    )
    if found is None:
        raise Http404("No such ticket")
    return found


@dataclass
class CustomerPicture:
    """What staff see of the customer beside a ticket."""

    orders: list = field(default_factory=list)
    points: object = None
    earlier_tickets: list = field(default_factory=list)


def customer_picture(ticket):
    if ticket.user_id is None:
        earlier = Ticket.objects.filter(user__isnull=True, guest_email__iexact=ticket.guest_email)
        return CustomerPicture(earlier_tickets=list(earlier.exclude(pk=ticket.pk).order_by("-opened_at")[:10]))
    return CustomerPicture(
        orders=list(Order.objects.filter(user_id=ticket.user_id).order_by("-date_placed")[:5]),
        points=account_summary(user=ticket.user),
        earlier_tickets=list(
            Ticket.objects.filter(user_id=ticket.user_id).exclude(pk=ticket.pk).select_related("topic")[:10]
        ),
    )


def staff_thread(ticket):
    return ticket.messages.select_related("author").prefetch_related("attachments")


def staff_attachment(*, ticket, attachment_id):
    attachment = TicketAttachment.objects.filter(pk=attachment_id, message__ticket=ticket).first()
    if attachment is None:
        raise Http404("No such attachment")
    return attachment
