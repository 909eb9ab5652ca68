"""The reminder engine's writers: select and record, deliver in chunks, drain the email outbox.

The database is the source of truth. `select_candidates` inserts one `ReminderSend` row per
(trigger, customer, cause) with ON CONFLICT DO NOTHING, so running it again inserts nothing.
`dispatch_pending` hands pending rows to workers in chunks; `deliver_sends` turns a chunk
into inbox notifications and outbox emails inside one transaction, so a chunk that fails
half-way leaves nothing behind and its retry starts clean.
"""

import logging
import time
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from itertools import islice
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from oscar.core.loading import get_model

from . import messages, triggers
from .models import Channel, ConsentRecord, OutboxEmail, ReminderConsent, ReminderRule, ReminderSend, Trigger

log = logging.getLogger(__name__)

Notification = get_model("communication", "Notification")
Email = get_model("communication", "Email")
User = get_model("users", "User")

CHUNK_SIZE = 1000  # customers per delivery task: big enough to amortize, small enough to retry
INSERT_BATCH = 5000
CONVERSION_WINDOW = timedelta(days=7)
REQUEUE_AFTER = timedelta(hours=1)  # a chunk not delivered by then was lost with its worker
OUTBOX_BATCH = 200  # emails per outbox run (one mail connection)
OUTBOX_MAX_ATTEMPTS = 5
# A claim older than this was left by a worker that died while sending: another takes it over.
# Far longer than a batch takes, so a live worker's claim is never taken from it.
OUTBOX_CLAIM_TIMEOUT = timedelta(minutes=15)


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
    """Add what every trigger shares to the trigger's own query: still in the same statement."""
    prefix = selection.user_prefix
    qs = selection.queryset.filter(**{f"{prefix}is_active": True})
    segments = rule.segment_codes
    if segments:
        qs = qs.filter(**{f"{prefix}loyalty_account__segment__in": segments})
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


@lru_cache(maxsize=256)
def _zone(name):
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(settings.TIME_ZONE)


def _quiet_until(rule, user, now):
    """When the customer's quiet hours end, or None when it is not quiet for them now."""
    zone = _zone(user.time_zone or settings.TIME_ZONE)
    local = now.astimezone(zone)
    if not rule.in_quiet_hours(local.time()):
        return None
    end = datetime.combine(local.date(), rule.quiet_end, tzinfo=zone)
    if end <= local:
        end += timedelta(days=1)
    return end


def withdrawn_channels(user_ids):
    rows = ReminderConsent.objects.filter(user_id__in=user_ids, allowed=False)
    return set(rows.values_list("user_id", "trigger", "channel"))


def deliver_sends(*, send_ids, now=None):
    """Send the pending reminders among `send_ids`: inbox notification, outbox email, or neither.

    One transaction: rows are locked (skipped if another worker holds them), and either the
    whole chunk is written or nothing is. A send whose message cannot be rendered (its stored
    context damaged) is marked failed with the reason and logged, once; the others are sent.
    Already-delivered ids are ignored, so a retried or duplicated chunk sends nothing twice.
    Returns counts by outcome.
    """
    now = now or timezone.now()
    outcome = {"sent": 0, "deferred": 0, "suppressed": 0, "capped": 0, "failed": 0}
    with transaction.atomic():
        sends = list(
            ReminderSend.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(id__in=send_ids, status=ReminderSend.Status.PENDING)
            .select_related("rule", "user")
            .order_by("id")
        )
        if not sends:
            return outcome
        user_ids = {s.user_id for s in sends}
        # Two workers may deliver chunks holding the same customer (one chunk per rule): each
        # counts the week's reminders only once it holds the customer's row, so the second sees
        # what the first sent and the weekly cap holds across chunks. Locked in id order: no
        # deadlock between chunks.
        list(User.objects.select_for_update().filter(pk__in=user_ids).order_by("pk").values_list("pk", flat=True))
        withdrawn = withdrawn_channels(user_ids)
        week = dict(
            ReminderSend.objects.filter(
                user_id__in=user_ids, status=ReminderSend.Status.SENT, sent_at__gte=now - timedelta(days=7)
            )
            .values_list("user_id")
            .annotate(n=Count("id"))
        )
        catalogue = messages.MessageCatalogue.load()
        notifications, emails, sent = [], [], []
        for send in sends:
            rule, user = send.rule, send.user
            quiet_until = _quiet_until(rule, user, now)
            if quiet_until is not None:
                send.due_at, send.enqueued_at = quiet_until, None
                outcome["deferred"] += 1
                continue
            channels = [c for c in rule.channels if (user.pk, rule.trigger, c) not in withdrawn]
            if not user.email and Channel.EMAIL in channels:
                channels.remove(Channel.EMAIL)
            if not channels:
                send.status = ReminderSend.Status.SUPPRESSED
                outcome["suppressed"] += 1
                continue
            if rule.weekly_cap and week.get(user.pk, 0) >= rule.weekly_cap:
                send.status = ReminderSend.Status.CAPPED
                outcome["capped"] += 1
                continue
            try:
                rendered = messages.render(send=send, message=catalogue.for_trigger(rule.trigger))
            except (TypeError, ValueError, KeyError, AttributeError) as error:
                # This send's own data is damaged: it must not hold back the chunk's other sends, and
                # rendering it again would fail again, so it ends here, logged once, its reason kept.
                # (A failure of the database or mail store still fails the chunk, retried whole.)
                log.exception("Reminder send %s could not be rendered; marked failed", send.pk)
                send.status = ReminderSend.Status.FAILED
                send.failure = f"Could not be rendered from its stored values: {type(error).__name__}: {error}"[:255]
                outcome["failed"] += 1
                continue
            if Channel.INBOX in channels:
                notifications.append(
                    (send, Notification(recipient_id=user.pk, subject=rendered.inbox_subject, body=rendered.inbox_html))
                )
            if Channel.EMAIL in channels:
                emails.append(
                    OutboxEmail(
                        send=send,
                        to=user.email,
                        subject=rendered.subject,
                        body_text=rendered.text,
                        body_html=rendered.html,
                        headers=rendered.headers,
                        created_at=now,
                    )
                )
            week[user.pk] = week.get(user.pk, 0) + 1
            send.status, send.sent_at, send.channels = ReminderSend.Status.SENT, now, ",".join(channels)
            send.window_start, send.window_end = now, now + CONVERSION_WINDOW
            sent.append(send)
        outcome["sent"] = len(sent)
        created = Notification.objects.bulk_create([n for _, n in notifications])
        for (send, _), notification in zip(notifications, created, strict=True):
            send.notification_id = notification.pk
        OutboxEmail.objects.bulk_create(emails)
        _write_outcomes(sends)
    return outcome


def _write_outcomes(sends):
    """Save what became of each send in a few statements.

    Django's bulk_update writes a CASE per field per row (seconds for a thousand rows); here the
    sends sharing an outcome are updated together, and the notification ids in one UPDATE … FROM
    VALUES statement.
    """
    groups = {}
    for send in sends:
        key = (send.status, send.sent_at, send.channels, send.window_start, send.window_end, send.due_at, send.failure)
        groups.setdefault(key, []).append(send.pk)
    for (status, sent_at, channels, start, end, due_at, failure), ids in groups.items():
        ReminderSend.objects.filter(id__in=ids).update(
            status=status, sent_at=sent_at, channels=channels, window_start=start, window_end=end, due_at=due_at,
            failure=failure, enqueued_at=None if status == ReminderSend.Status.PENDING else F("enqueued_at"),
        )  # fmt: skip
    pairs = [(send.pk, send.notification_id) for send in sends if send.notification_id]
    if pairs:
        table = ReminderSend._meta.db_table
        values = ", ".join(["(%s, %s)"] * len(pairs))
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET notification_id = v.nid "  # noqa: S608 -- table name from the model, values bound
                f"FROM (SELECT column1 AS sid, column2 AS nid FROM (VALUES {values}) AS t) AS v "
                f"WHERE {table}.id = v.sid",
                [value for pair in pairs for value in pair],
            )


def deliver_outbox(*, limit=OUTBOX_BATCH, connection=None):
    """Send up to `limit` queued outbox emails over one mail connection; returns how many went out.

    Nothing is locked while the mail server is talked to: the emails are claimed in a short
    transaction of their own (committed), sent with no transaction open, and each is then marked
    sent with its entry in the customer's Oscar email history (`communication.Email`). Another
    worker leaves a claimed email alone, so two workers never send one twice; a claim older than
    `OUTBOX_CLAIM_TIMEOUT` was left by a worker that died mid-send, and is taken over (the email is
    then sent at least once: the mail server may have had it when its worker died). An email the
    server refuses is handed back and tried again on the next run; after `OUTBOX_MAX_ATTEMPTS`
    claims it is marked failed and logged once. A server that cannot be reached hands every claim
    back uncounted and raises, for the task's retry.
    """
    claimed = _claim_outbox(limit=limit)
    if not claimed:
        return 0
    connection = connection or get_connection()
    try:
        connection.open()
    except Exception:
        OutboxEmail.objects.filter(pk__in=[email.pk for email in claimed]).update(
            claimed_at=None, attempts=F("attempts") - 1
        )
        raise
    sent, done = 0, 0
    try:
        for email in claimed:
            sent += _send_claimed(email, connection)
            done += 1
    except Exception:
        # A failure of our own (the database): the emails not reached are given back for the next
        # run. The one being handled keeps its claim: the mail server may have taken it.
        rest = claimed[done + 1 :]
        OutboxEmail.objects.filter(pk__in=[email.pk for email in rest]).update(
            claimed_at=None, attempts=F("attempts") - 1
        )
        raise
    finally:
        connection.close()
    return sent


def _claim_outbox(*, limit):
    """Claim up to `limit` queued emails no live worker holds, and commit; returns them.

    An email claimed `OUTBOX_MAX_ATTEMPTS` times without an answer (its worker died each time) is
    marked failed instead of being claimed again.
    """
    now = timezone.now()
    with transaction.atomic():
        batch = list(
            OutboxEmail.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(status=OutboxEmail.Status.QUEUED)
            .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - OUTBOX_CLAIM_TIMEOUT))
            .select_related("send")
            .order_by("id")[:limit]
        )
        abandoned = [email for email in batch if email.attempts >= OUTBOX_MAX_ATTEMPTS]
        claimed = [email for email in batch if email.attempts < OUTBOX_MAX_ATTEMPTS]
        for email in abandoned:
            reason = f"The worker sending it stopped before the mail server answered, {email.attempts} times."
            _give_up(email, reason)
        OutboxEmail.objects.filter(pk__in=[email.pk for email in claimed]).update(
            claimed_at=now, attempts=F("attempts") + 1
        )
    for email in claimed:
        email.claimed_at, email.attempts = now, email.attempts + 1
    return claimed


def _give_up(email, reason):
    OutboxEmail.objects.filter(pk=email.pk).update(status=OutboxEmail.Status.FAILED, claimed_at=None, last_error=reason)
    log.error("Reminder email %s not sent after %s attempts; given up: %s", email.pk, email.attempts, reason)


def _send_claimed(email, connection):
    """Send one claimed email and record the answer; 1 if the mail server took it, else 0."""
    # The claim is renewed just before sending, so a slow batch keeps the emails it has not reached
    # yet; one another worker took over meanwhile (this one was taken for dead) is left to it.
    renewed = timezone.now()
    held = OutboxEmail.objects.filter(pk=email.pk, status=OutboxEmail.Status.QUEUED, claimed_at=email.claimed_at)
    if not held.update(claimed_at=renewed):
        return 0
    email.claimed_at = renewed
    message = EmailMultiAlternatives(
        subject=email.subject, body=email.body_text, to=[email.to], headers=email.headers, connection=connection
    )
    message.attach_alternative(email.body_html, "text/html")
    try:
        message.send()
    except Exception as error:  # noqa: BLE001 -- any refusal by the mail server: count it, try the next email
        reason = f"{type(error).__name__}: {error}"[:255]
        if email.attempts >= OUTBOX_MAX_ATTEMPTS:
            _give_up(email, reason)
        else:
            OutboxEmail.objects.filter(pk=email.pk, claimed_at=email.claimed_at).update(
                claimed_at=None, last_error=reason
            )
            log.warning("Reminder email %s not sent (attempt %s): %s", email.pk, email.attempts, reason)
        return 0
    with transaction.atomic():
        # Its row may be gone (the customer's account erased meanwhile): then no history either.
        marked = OutboxEmail.objects.filter(pk=email.pk, status=OutboxEmail.Status.QUEUED).update(
            status=OutboxEmail.Status.SENT, sent_at=timezone.now(), claimed_at=None, last_error=""
        )
        if marked:
            Email.objects.create(
                user_id=email.send.user_id,
                email=email.to,
                subject=email.subject,
                body_text=email.body_text,
                body_html=email.body_html,
            )
    return 1


def set_consent(*, user, trigger, channel, allowed, source="preferences"):
    """Record one choice; idempotent (the last choice wins)."""
    ReminderConsent.objects.update_or_create(
        user=user, trigger=trigger, channel=channel, defaults={"allowed": allowed, "source": source}
    )


def record_consent(*, user, allowed, wording, source, asked=None, now=None):
    """Record a customer's answer to a consent question: the choices it set, and the evidence.

    `asked` is the set of (trigger, channel) pairs the question was about (every pair unless
    said: registration and the preferences page ask about all; an unsubscribe link about one
    type) and `allowed` the pairs ticked; every other pair asked about is recorded as refused,
    so an unticked box is never read as the no-row default (allowed). One transaction writes
    the choices and a `ConsentRecord` with the time, the exact `wording` shown and the answers.
    An unknown pair, or one allowed but not asked, is a programming error and raises
    `ValueError` before anything is written.
    """
    pairs = [(trigger, channel) for trigger in Trigger.values for channel in Channel.values]
    asked = set(pairs) if asked is None else set(asked)
    unknown = (set(allowed) | asked) - set(pairs)
    if unknown:
        raise ValueError(f"Unknown reminder type or channel: {sorted(unknown)}")
    if not set(allowed) <= asked:
        raise ValueError(f"Allowed but not asked: {sorted(set(allowed) - asked)}")
    answers = {}
    for trigger, channel in pairs:
        if (trigger, channel) in asked:
            answers.setdefault(trigger, {})[channel] = (trigger, channel) in allowed
    with transaction.atomic():
        for trigger, channels in answers.items():
            for channel, is_allowed in channels.items():
                set_consent(user=user, trigger=trigger, channel=channel, allowed=is_allowed, source=source)
        return ConsentRecord.objects.create(
            user=user, source=source, recorded_at=now or timezone.now(), wording=wording, choices=answers
        )


def save_preferences(*, user, allowed, wording):
    """The preferences page's answer: every (trigger, channel) choice at once (`allowed`, a set of
    pairs), recorded with the page's `wording` as a `ConsentRecord`, one per save."""
    return record_consent(user=user, allowed=allowed, wording=wording, source=ConsentRecord.Source.PREFERENCES)


def unsubscribe(*, user_id, trigger, wording):
    """The unsubscribe link: this reminder type stops on every channel, recorded with `wording`
    (what the customer was shown) as a `ConsentRecord`. Idempotent: a type already stopped on
    every channel changes nothing and records nothing (a second click, a mail program's retry).

    A link kept after its customer's account was erased changes nothing (there is nothing to stop).
    Returns the record, or None when nothing changed.
    """
    users = ReminderSend._meta.get_field("user").related_model.objects
    with transaction.atomic():
        # The customer's row is the lock: two clicks at once record one withdrawal.
        user = users.select_for_update().filter(pk=user_id).first()
        if user is None:
            return None
        refused = set(
            ReminderConsent.objects.filter(user=user, trigger=trigger, allowed=False).values_list("channel", flat=True)
        )
        if refused >= set(Channel.values):
            return None
        return record_consent(
            user=user,
            allowed=set(),
            wording=wording,
            source=ConsentRecord.Source.UNSUBSCRIBE,
            asked={(trigger, channel) for channel in Channel.values},
        )


def record_click(*, send_id):
    """Count a click on a tracked link; the first one's time is kept for the dashboard."""
    ReminderSend.objects.filter(pk=send_id).update(
        clicks=F("clicks") + 1, clicked_at=Coalesce(F("clicked_at"), timezone.now())
    )
