"""The beat sweep of promises: warn the queue before a promise breaks, escalate the ticket once it has.

Both are found by one indexed query each (tickets whose clock runs, by their next due time, the
partial index care_ticket_next_due) and applied set-based, in chunks of BATCH, by conditional
UPDATEs on rows claimed with SKIP LOCKED: a second sweep, or two running at once, warns and
escalates nothing twice. Nothing is silently forgotten: every overdue ticket goes to the experts
in the run that finds it, even if nobody opened it, with its trail and a note in the experts'
inbox. A ticket waiting for the customer is paused (services.clock) and left alone. A chunk that
fails is retried one ticket at a time: the bad ticket is logged and left for the next run, the
others go on.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from .. import priority as priorities
from ..audit import EventKind, TicketEvent
from ..console import NEXT_DUE
from ..thread import Author
from ..ticket import State, Ticket
from .workflow import escalation_queue

Notification = get_model("communication", "Notification")
logger = logging.getLogger(__name__)

BATCH = 500
# The active states whose promise clock runs (a subset of the index's ACTIVE_STATES, so it still serves).
CLOCK_RUNS = (State.NEW, State.OPEN)


@dataclass
class SweepReport:
    warned: int = 0
    escalated: int = 0
    failed: int = 0


def _warn(ids, now):
    """Mark the tickets `ids` warned (those not warned yet) and tell their queue's members in the dashboard inbox."""
    with transaction.atomic():
        claimed = list(
            Ticket.objects.filter(pk__in=ids, warned_at__isnull=True).select_for_update(skip_locked=True, of=("self",))
            .select_related("queue").prefetch_related("queue__user_set")
        )  # fmt: skip
        Ticket.objects.filter(pk__in=[t.pk for t in claimed]).update(warned_at=now)
        TicketEvent.objects.bulk_create(
            TicketEvent(ticket=t, kind=EventKind.WARNED, after=_("due %(due)s") % {"due": _due(t)},
                        actor_kind=Author.SYSTEM, created=now)
            for t in claimed
        )  # fmt: skip
        Notification.objects.bulk_create(
            Notification(
                recipient=member,
                subject=_("%(reference)s: its promise is due %(due)s") % {"reference": t.reference, "due": _due(t)},
                body=t.subject,
            )
            for t in claimed
            if t.queue_id
            for member in t.queue.user_set.all()
            if member.is_staff and member.is_active
        )
    return len(claimed)


def _due(ticket):
    due = ticket.first_response_due if ticket.first_responded_at is None else ticket.resolution_due
    return timezone.localtime(due).strftime("%a %d %b %H:%M")


def sweep_promises(*, now=None):
    """Warn before a breach (CARE_WARN_BEFORE_MINUTES), escalate after it; returns what was done."""
    now = now or timezone.now()
    report = SweepReport()
    # A ticket waiting for the customer is paused (services.clock): neither warned nor escalated.
    active = Ticket.objects.filter(state__in=CLOCK_RUNS).annotate(next_due=NEXT_DUE)
    near = active.filter(
        warned_at__isnull=True,
        escalated_at__isnull=True,
        next_due__gte=now,
        next_due__lt=now + timedelta(minutes=settings.CARE_WARN_BEFORE_MINUTES),
    )
    last = 0  # by id, so tickets another sweep holds (skipped, not claimed) are not asked for again
    while ids := list(near.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:BATCH]):
        last = ids[-1]
        _in_chunk(_warn, ids, now, report, "warned")
    overdue = active.filter(escalated_at__isnull=True, next_due__lt=now)
    last = 0
    while ids := list(overdue.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:BATCH]):
        last = ids[-1]
        _in_chunk(_escalate, ids, now, report, "escalated")
    return report


def _in_chunk(apply, ids, now, report, counter):
    """`apply` (_warn or _escalate) to a chunk; if it fails, to each ticket alone, so one bad ticket stops no other."""
    try:
        done = apply(ids, now)
    except Exception:  # noqa: BLE001 -- one ticket's failure must not stop the chunk's others
        done = 0
        for pk in ids:
            try:
                done += apply([pk], now)
            except Exception:
                logger.exception(
                    "Promise sweep: %s of ticket %s failed; the next sweep tries again", apply.__name__, pk
                )
                report.failed += 1
    setattr(report, counter, getattr(report, counter) + done)


def _escalate(ids, now):
    """Send the tickets `ids` still overdue to the experts' queue one priority step up, with their trail.

    Claims the rows (not escalated yet, clock running, still past due) with SKIP LOCKED; one
    UPDATE per priority the chunk holds; every active staff member of the experts' queue gets a
    note in the dashboard inbox.
    """
    experts = escalation_queue()
    with transaction.atomic():
        claimed = list(
            Ticket.objects.filter(pk__in=ids, escalated_at__isnull=True, state__in=CLOCK_RUNS)
            .annotate(next_due=NEXT_DUE).filter(next_due__lt=now)
            .select_for_update(skip_locked=True, of=("self",)).select_related("queue")
        )  # fmt: skip
        reasons = {t.pk: _overdue_reason(t) for t in claimed}
        by_priority = defaultdict(list)
        for t in claimed:
            by_priority[t.priority].append(t.pk)
        for priority, pks in by_priority.items():
            Ticket.objects.filter(pk__in=pks).update(
                queue=experts, priority=priorities.escalated(priority), escalated_at=now, last_activity_at=now
            )
        TicketEvent.objects.bulk_create(
            event for t in claimed for event in _escalation_events(t, experts, reasons[t.pk], now)
        )
        members = [m for m in experts.user_set.all() if m.is_staff and m.is_active]
        Notification.objects.bulk_create(
            Notification(
                recipient=member,
                subject=_("%(reference)s escalated: %(reason)s") % {"reference": t.reference, "reason": reasons[t.pk]},
                body=t.subject,
            )
            for t in claimed
            for member in members
        )
    return len(claimed)


def _overdue_reason(ticket):
    promise = _("first response") if ticket.first_responded_at is None else _("resolution")
    return _("%(promise)s overdue since %(due)s") % {"promise": promise, "due": _due(ticket)}


def _escalation_events(ticket, experts, reason, now):
    """The trail workflow.escalate writes for a person, here written by the system."""
    system = {"ticket": ticket, "actor_kind": Author.SYSTEM, "created": now}
    yield TicketEvent(kind=EventKind.ESCALATED, note=reason[:255], **system)
    yield TicketEvent(
        kind=EventKind.QUEUE, before=ticket.queue.name if ticket.queue_id else "", after=experts.name, **system
    )
    raised = priorities.escalated(ticket.priority)
    if raised != ticket.priority:
        yield TicketEvent(
            kind=EventKind.PRIORITY,
            before=priorities.LABELS[ticket.priority],
            after=priorities.LABELS[raised],
            **system,
        )
