"""The email outbox: queued reminder emails claimed, sent over one mail connection, retried or given up."""

import logging
import smtplib
from datetime import timedelta

from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from oscar.core.loading import get_model

from ..models import OutboxEmail

log = logging.getLogger(__name__)

Email = get_model("communication", "Email")

OUTBOX_BATCH = 200  # emails per outbox run (one mail connection)
OUTBOX_MAX_ATTEMPTS = 5
# A claim older than this was left by a worker that died while sending: another takes it over.
# Far longer than a batch takes, so a live worker's claim is never taken from it.
OUTBOX_CLAIM_TIMEOUT = timedelta(minutes=15)
# A mail server that refuses for now (4xx: mailbox full, greylisting, rate limit) is asked again
# after 2, 8, 32 and 128 minutes, so a refusal of a few hours does not use up every attempt.
OUTBOX_RETRY_FIRST = timedelta(minutes=2)
OUTBOX_RETRY_FACTOR = 4


def deliver_outbox(*, limit=OUTBOX_BATCH, connection=None):
    """Send up to `limit` queued outbox emails over one mail connection; returns how many went out.

    Nothing is locked while the mail server is talked to: the emails are claimed in a short
    transaction of their own (committed), sent with no transaction open, and each is then marked
    sent with its entry in the customer's Oscar email history (`communication.Email`). Another
    worker leaves a claimed email alone, so two workers never send one twice; a claim older than
    `OUTBOX_CLAIM_TIMEOUT` was left by a worker that died mid-send, and is taken over (the email is
    then sent at least once: the mail server may have had it when its worker died). An email the
    server refuses for now is handed back and tried again after a growing wait (`retry_after`); one
    it refuses for good (a 5xx answer, such as "no such user") and one with `OUTBOX_MAX_ATTEMPTS`
    claims are marked failed and logged once. A server that cannot be reached hands every claim
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
            .filter(Q(not_before__isnull=True) | Q(not_before__lte=now))
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
        if email.attempts >= OUTBOX_MAX_ATTEMPTS or refused_for_good(error):
            _give_up(email, reason)
        else:
            OutboxEmail.objects.filter(pk=email.pk, claimed_at=email.claimed_at).update(
                claimed_at=None, last_error=reason, not_before=timezone.now() + retry_after(email.attempts)
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


def retry_after(attempts):
    """The wait before the next try of an email refused `attempts` times: 2, 8, 32, 128 minutes."""
    return OUTBOX_RETRY_FIRST * OUTBOX_RETRY_FACTOR ** (attempts - 1)


def refused_for_good(error):
    """Whether the mail server's answer is final (5xx): asking again would only be refused again."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return bool(error.recipients) and all(code >= 500 for code, _ in error.recipients.values())
    return isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500
