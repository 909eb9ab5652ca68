"""Reads for the staff console: the queue sorted by time to breach, a ticket with everything staff see.

Staff see every ticket; these are used only behind the console's permission (care.access).
"""

from dataclasses import dataclass
from functools import cached_property

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from .access import CARE_AGENTS
from .references import normalised
from .thread import TicketAttachment
from .ticket import ACTIVE_STATES, NEXT_DUE, State, Ticket
from .topic import Topic


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
    # A ticket waiting for the customer has its promise clock stopped: it is due nothing yet.
    if filters.due == "overdue":
        tickets = tickets.filter(next_due__lt=now).exclude(state=State.WAITING)
    elif filters.due == "today":
        tickets = tickets.filter(next_due__lt=now + timezone.timedelta(hours=8)).exclude(state=State.WAITING)
    text = filters.text.strip()
    if text:
        reference = normalised(text)
        tickets = tickets.filter(
            Q(reference=reference) if reference else Q(user__email__iexact=text) | Q(guest_email__iexact=text)
        )
    return tickets.order_by("next_due", "-priority", "pk")


class QueuePaginator(Paginator):
    """Pages of the queue that count at most COUNT_CAP tickets.

    An exact count of 100,000 active tickets took 220 ms on PostgreSQL, the page itself 2 ms
    (benchmarks/care.py); past a thousand, the number only says "filter".
    """

    COUNT_CAP = 1000

    @cached_property
    def count(self):
        first = self.object_list[: self.COUNT_CAP + 1]
        return first.count() if isinstance(first, QuerySet) else len(first)

    @property
    def capped(self):
        return self.count > self.COUNT_CAP


def queues():
    """The groups tickets go to: the topics' queues and the experts' (escalation).

    Not "every group holding a ticket": that read every ticket (49 ms at 100,000 on PostgreSQL),
    and a ticket's queue is only ever its topic's or the experts'.
    """
    routed = Exists(Topic.objects.filter(queue=OuterRef("pk"))) | Q(name=settings.CARE_ESCALATION_GROUP)
    return Group.objects.filter(routed).order_by("name")


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


def staff_thread(ticket):
    return ticket.messages.select_related("author").prefetch_related("attachments")


def staff_attachment(*, ticket, attachment_id):
    attachment = TicketAttachment.objects.filter(pk=attachment_id, message__ticket=ticket).first()
    if attachment is None:
        raise Http404("No such attachment")
    return attachment
