"""Delivering a chunk of sends: inbox notifications and outbox emails, or neither.

`deliver_sends` writes a chunk inside one transaction, so a chunk that fails half-way leaves
nothing behind and its retry starts clean. The emails wait in the outbox
(`loyalty.reminders.services.outbox` sends them).
"""

import logging
from datetime import datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F
from django.utils import timezone
from oscar.core.loading import get_model

from .. import messages
from ..models import Channel, OutboxEmail, ReminderSend
from ..selectors import withdrawn_channels
from .selection import CONVERSION_WINDOW

log = logging.getLogger(__name__)

Notification = get_model("communication", "Notification")
User = get_model("users", "User")


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
