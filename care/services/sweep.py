"""The beat sweep of promises: warn the queue before a promise breaks, escalate the ticket once it has.

Both are found by one indexed query each (active tickets by their next due time, the partial
index care_ticket_next_due) and applied by conditional UPDATEs: a second sweep, or two running at
once, warns and escalates nothing twice. Nothing is silently forgotten: an overdue ticket goes to
the experts even if nobody opened it. Warnings go in chunks of BATCH (every ticket near its promise
in one run); escalations one ticket at a time, at most BATCH a run. A ticket that fails is logged
and left for the next run: it does not stop the others (a failed chunk of warnings is retried one
ticket at a time).
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from ..audit import EventKind, TicketEvent
from ..console import NEXT_DUE
from ..thread import Author
from ..ticket import State, Ticket
from .workflow import escalate

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
        _warn_chunk(ids, now, report)
    overdue = active.filter(escalated_at__isnull=True, next_due__lt=now).select_related("queue")
    for ticket in overdue.order_by("next_due")[:BATCH]:
        try:
            if _escalate(ticket, now):
                report.escalated += 1
        except Exception:
            logger.exception("Promise sweep: escalating %s failed; the next sweep tries again", ticket.reference)
            report.failed += 1
    return report


def _warn_chunk(ids, now, report):
    try:
        report.warned += _warn(ids, now)
    except Exception:  # noqa: BLE001 -- one ticket's failure must not stop the chunk's others
        for pk in ids:  # find the ticket that failed; warn the others
            try:
                report.warned += _warn([pk], now)
            except Exception:
                logger.exception("Promise sweep: warning ticket %s failed; the next sweep tries again", pk)
                report.failed += 1


def _escalate(ticket, now):
    promise = _("first response") if ticket.first_responded_at is None else _("resolution")
    return escalate(
        ticket=ticket,
        actor_kind=Author.SYSTEM,
        reason=_("%(promise)s overdue since %(due)s") % {"promise": promise, "due": _due(ticket)},
        now=now,
    )
