"""Selecting a rule's customers and handing pending sends to workers.

`select_candidates` inserts one `ReminderSend` row per (trigger, customer, cause) with ON CONFLICT
DO NOTHING, so running it again inserts nothing. `dispatch_pending` hands pending rows to workers
in chunks (delivered by `loyalty.reminders.services.delivery`).
"""

import logging
import time
import zlib
from dataclasses import dataclass, field
from datetime import timedelta
from itertools import islice

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from .. import triggers
from ..models import ReminderRule, ReminderSend

log = logging.getLogger(__name__)

CHUNK_SIZE = 1000  # customers per delivery task: big enough to amortize, small enough to retry
INSERT_BATCH = 5000
CONVERSION_WINDOW = timedelta(days=7)
REQUEUE_AFTER = timedelta(hours=1)  # a chunk not delivered by then was lost with its worker


@dataclass
class RunSummary:
    selected: dict = field(default_factory=dict)  # trigger -> candidate rows read
    created: int = 0
    select_seconds: float = 0.0  # running the rules' queries and reading their rows
    insert_seconds: float = 0.0  # building and writing the send rows
    chunks: list = field(default_factory=list)  # lists of send ids, to enqueue


def is_held_out(rule, user_id):
    """Deterministic per rule and customer, so a customer stays in (or out of) the control group."""
    return zlib.crc32(f"{rule.pk}:{user_id}".encode()) % 100 < rule.holdout_percent


def _eligible(selection, rule, now):
    """Add what every trigger shares to the trigger's own query: still in the same statement. The
    segments and value classes are the ones the nightly runs wrote on the customer's account."""
    prefix = selection.user_prefix
    qs = selection.queryset.filter(**{f"{prefix}is_active": True})
    segments = rule.segment_codes
    if segments:
        qs = qs.filter(**{f"{prefix}loyalty_account__segment__in": segments})
    value_classes = rule.value_class_codes
    if value_classes:
        qs = qs.filter(**{f"{prefix}loyalty_account__value_class__in": value_classes})
    if rule.weekly_cap:
        at_cap = (
            ReminderSend.objects.filter(status=ReminderSend.Status.SENT, sent_at__gte=now - timedelta(days=7))
            .values("user_id")
            .annotate(n=Count("id"))
            .filter(n__gte=rule.weekly_cap)
            .values("user_id")
        )
        qs = qs.exclude(**{f"{prefix}id__in": at_cap})
    return qs


def select_candidates(*, rule, now=None, summary=None):
    """Insert a send row for every customer the rule selects now; returns how many were new.

    Idempotent: the unique dedupe key makes a second run insert nothing. Customers in the
    control group get a row too (status held out), so their conversions can be compared.
    """
    now = now or timezone.now()
    summary = summary or RunSummary()
    read = 0
    pending_rows = []
    # ON CONFLICT DO NOTHING returns no ids on every database; the row count tells what was new.
    before = ReminderSend.objects.filter(rule=rule).count()
    started = time.perf_counter()
    selecting = 0.0

    def flush():
        ReminderSend.objects.bulk_create(pending_rows, batch_size=INSERT_BATCH, ignore_conflicts=True)
        pending_rows.clear()

    for selection in triggers.selections_for(rule, now):
        rows = _eligible(selection, rule, now).iterator(chunk_size=INSERT_BATCH)
        while True:
            fetch_started = time.perf_counter()
            batch = list(islice(rows, INSERT_BATCH))
            selecting += time.perf_counter() - fetch_started
            if not batch:
                break
            read += len(batch)
            for row in batch:
                user_id, cause, context = selection.read(row)
                holdout = is_held_out(rule, user_id)
                pending_rows.append(
                    ReminderSend(
                        rule=rule,
                        user_id=user_id,
                        dedupe_key=f"{rule.trigger}:{user_id}:{cause}",
                        context=context,
                        holdout=holdout,
                        status=ReminderSend.Status.HELD_OUT if holdout else ReminderSend.Status.PENDING,
                        created_at=now,
                        window_start=now,
                        window_end=now + CONVERSION_WINDOW,
                    )
                )
            flush()
    summary.select_seconds += selecting
    summary.insert_seconds += time.perf_counter() - started - selecting
    created = ReminderSend.objects.filter(rule=rule).count() - before
    summary.selected[rule.trigger] = summary.selected.get(rule.trigger, 0) + read
    summary.created += created
    return created


def dispatch_pending(*, now=None):
    """Mark pending, due sends as enqueued and return their ids in chunks for the workers.

    A send enqueued more than an hour ago and still pending was lost with its worker (the
    filesystem broker drops such a task); it is handed out again. Delivery skips anything no
    longer pending, so a send handed out twice is still sent once.
    """
    now = now or timezone.now()
    due = (
        ReminderSend.objects.filter(status=ReminderSend.Status.PENDING)
        .filter(Q(due_at__isnull=True) | Q(due_at__lte=now))
        .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=now - REQUEUE_AFTER))
        .order_by("id")
        .values_list("id", flat=True)
    )
    chunks, chunk = [], []
    for send_id in due.iterator(chunk_size=INSERT_BATCH):
        chunk.append(send_id)
        if len(chunk) == CHUNK_SIZE:
            chunks.append(chunk)
            chunk = []
    if chunk:
        chunks.append(chunk)
    for ids in chunks:
        ReminderSend.objects.filter(id__in=ids).update(enqueued_at=now)
    return chunks


def run_reminders(*, now=None):
    """The beat job's work: every enabled rule selects, then pending sends are chunked.

    Each rule in its own transaction: one that fails (a threshold no date can reach) is logged
    and selects nothing; the others select and their sends are delivered."""
    now = now or timezone.now()
    summary = RunSummary()
    for rule in ReminderRule.objects.filter(enabled=True).order_by("pk"):
        try:
            with transaction.atomic():
                select_candidates(rule=rule, now=now, summary=summary)
        except Exception:  # one rule's failure must not stop the others
            log.exception("Reminder rule %s (%s) failed to select its customers", rule.pk, rule.trigger)
    summary.chunks = dispatch_pending(now=now)
    return summary
