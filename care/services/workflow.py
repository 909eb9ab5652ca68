"""Staff moves on a ticket: its state, its assignee, escalation. Each applies once or not at all.

Every change is conditional on what the person saw (`expected_state`, the assignee shown, not
yet escalated): a double submit or two staff acting at once finds the row changed, and the
second is refused (StaleTicket) before anything is recorded. A change of state locks the row
first, as the promise clock (services.clock) reads the wait it ends from it.
"""

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import priority as priorities
from ..audit import EventKind
from ..thread import Author
from ..ticket import ACTIVE_STATES, TRANSITIONS, State, Ticket
from .audit import record
from .clock import pause_or_resume
from .errors import StaleTicket, TicketRefused


def change_state(*, ticket, to_state, expected_state, actor=None, actor_kind=Author.STAFF, note="", now=None):
    """Move `ticket` from `expected_state` to `to_state` if that is an allowed step and it is still there."""
    to_state, expected_state = State(to_state), State(expected_state)
    if to_state not in TRANSITIONS[expected_state]:
        raise TicketRefused(
            _("A ticket that is %(before)s cannot become %(after)s.")
            % {"before": expected_state.label.lower(), "after": to_state.label.lower()}
        )
    now = now or timezone.now()
    changes = {"state": to_state, "last_activity_at": now}
    if to_state == State.RESOLVED:
        changes["resolved_at"] = now
    elif to_state == State.CLOSED:
        changes["closed_at"] = now
    elif to_state == State.OPEN:
        changes["resolved_at"] = None
    with transaction.atomic():
        # Locked as it is now, so the promise clock counts a wait from the row, not from a stale copy.
        locked = Ticket.objects.select_for_update().filter(pk=ticket.pk, state=expected_state).first()
        if locked is None:
            current = Ticket.objects.filter(pk=ticket.pk).values_list("state", flat=True).first()
            raise StaleTicket(
                _("Ticket %(reference)s is now %(state)s; nothing was changed.")
                % {"reference": ticket.reference, "state": State(current).label.lower() if current else "gone"}
            )
        record(
            ticket,
            EventKind.STATE,
            before=expected_state.label,
            after=to_state.label,
            actor=actor,
            actor_kind=actor_kind,
            note=note,
            at=now,
        )
        changes.update(pause_or_resume(locked, to_state, actor=actor, actor_kind=actor_kind, now=now))
        if not Ticket.objects.filter(pk=ticket.pk, state=expected_state).update(**changes):
            raise StaleTicket(
                _("Ticket %(reference)s changed meanwhile; nothing was changed.") % {"reference": ticket.reference}
            )
    for name, value in changes.items():
        setattr(ticket, name, value)
    return ticket


def assign(*, ticket, assignee, expected_assignee_id, actor, now=None):
    """Give `ticket` to `assignee` (a staff member, or None to unassign) if it is still with `expected_assignee_id`."""
    if assignee is not None and not assignee.is_staff:
        raise TicketRefused(_("Tickets are assigned to staff only."))
    now = now or timezone.now()
    new_id = assignee.pk if assignee is not None else None
    with transaction.atomic():
        updated = Ticket.objects.filter(pk=ticket.pk, assignee_id=expected_assignee_id).update(
            assignee_id=new_id, last_activity_at=now
        )
        if not updated:
            raise StaleTicket(
                _("Ticket %(reference)s was reassigned meanwhile; nothing was changed.")
                % {"reference": ticket.reference}
            )
        before = ticket.assignee.get_full_name() or ticket.assignee.email if ticket.assignee_id else ""
        after = (assignee.get_full_name() or assignee.email) if assignee is not None else ""
        record(ticket, EventKind.ASSIGNEE, before=before, after=after, actor=actor, actor_kind=Author.STAFF, at=now)
    ticket.assignee = assignee
    return ticket


def escalation_queue():
    group, _created = Group.objects.get_or_create(name=settings.CARE_ESCALATION_GROUP)
    return group


def escalate(*, ticket, actor=None, actor_kind=Author.STAFF, reason="", now=None):
    """Send an active ticket to the expert queue one priority step higher; once per ticket.

    Returns False (and records nothing) if it was escalated already or is no longer active,
    so the beat sweep and a person may both try.
    """
    now = now or timezone.now()
    experts = escalation_queue()
    raised = priorities.escalated(ticket.priority)
    with transaction.atomic():
        updated = Ticket.objects.filter(pk=ticket.pk, escalated_at__isnull=True, state__in=ACTIVE_STATES).update(
            queue=experts, priority=raised, escalated_at=now, last_activity_at=now
        )
        if not updated:
            return False
        fresh = Ticket.objects.select_related("queue").get(pk=ticket.pk)
        before_queue = ticket.queue.name if ticket.queue_id else ""
        record(ticket, EventKind.ESCALATED, actor=actor, actor_kind=actor_kind, note=reason, at=now)
        record(
            ticket, EventKind.QUEUE, before=before_queue, after=experts.name, actor=actor, actor_kind=actor_kind, at=now
        )
        if raised != ticket.priority:
            record(
                ticket,
                EventKind.PRIORITY,
                before=priorities.LABELS[ticket.priority],
                after=priorities.LABELS[raised],
                actor=actor,
                actor_kind=actor_kind,
                at=now,
            )
    ticket.queue, ticket.priority, ticket.escalated_at = fresh.queue, raised, now
    return True
