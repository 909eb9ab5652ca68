"""The outbox is sent outside any lock, exactly once: each email is claimed and the claim
committed before the mail server is called; a failure hands it back and counts the attempt; a
claim left by a worker that died is taken over once it is older than the timeout."""

import logging
import smtplib
from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import transaction
from django.utils import timezone
from oscar.core.loading import get_model

from loyalty.reminders.models import OutboxEmail, Trigger
from loyalty.reminders.services import delivery, outbox, selection

pytestmark = pytest.mark.django_db

Email = get_model("communication", "Email")


class WorkerKilled(BaseException):
    """Stands for a SIGKILL in the middle of talking to the mail server: no handler of ours runs."""


class DiesMidSend(EmailBackend):
    def send_messages(self, messages):
        raise WorkerKilled


class RefusesForNow(EmailBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({messages[0].to[0]: (452, b"4.2.2 Mailbox full")})


class RefusesForGood(EmailBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({messages[0].to[0]: (550, b"5.1.1 No such user")})


class Unreachable(EmailBackend):
    def open(self):
        raise ConnectionRefusedError(111, "Connection refused")


@pytest.fixture
def queued(rule, customer, now):
    """Birthday emails for `n` customers, waiting in the outbox; returns the customers."""

    def make(n=1):
        OutboxEmail.objects.all().delete()  # the demo's own reminders: each test counts exactly its emails
        rule(Trigger.BIRTHDAY, send_inbox=False)
        today = timezone.localdate(now)
        people = [customer(birth_date=date(1990, today.month, today.day)) for _ in range(n)]
        for ids in selection.run_reminders(now=now).chunks:
            delivery.deliver_sends(send_ids=ids, now=now)
        assert OutboxEmail.objects.filter(send__user__in=people, status="queued").count() == n
        mail.outbox.clear()
        return people

    return make


def _age_claims(by):
    OutboxEmail.objects.exclude(claimed_at=None).update(claimed_at=timezone.now() - by)


def test_an_email_whose_worker_died_mid_send_is_sent_once_the_claim_is_stale(queued):
    [ada] = queued(1)
    with pytest.raises(WorkerKilled):
        outbox.deliver_outbox(connection=DiesMidSend())
    email = OutboxEmail.objects.get(send__user=ada)
    assert (email.status, email.attempts) == ("queued", 1)
    assert email.claimed_at is not None  # committed before the mail server was called

    # The first worker may still be sending it: nobody else does while the claim is fresh.
    _age_claims(outbox.OUTBOX_CLAIM_TIMEOUT - timedelta(minutes=1))
    assert outbox.deliver_outbox() == 0
    assert mail.outbox == []

    _age_claims(outbox.OUTBOX_CLAIM_TIMEOUT + timedelta(seconds=1))
    assert outbox.deliver_outbox() == 1
    assert [message.to for message in mail.outbox] == [[ada.email]]
    email.refresh_from_db()
    assert (email.status, email.attempts, email.claimed_at, email.last_error) == ("sent", 2, None, "")
    assert Email.objects.filter(user=ada).count() == 1
    assert outbox.deliver_outbox() == 0


@pytest.mark.django_db(transaction=True)
def test_the_mail_server_is_called_with_no_transaction_open(queued):
    people = queued(2)
    in_transaction = []

    class Recording(EmailBackend):
        def send_messages(self, messages):
            in_transaction.append(transaction.get_connection().in_atomic_block)
            return super().send_messages(messages)

    assert outbox.deliver_outbox(connection=Recording()) == 2

    assert in_transaction == [False, False]
    assert sorted(message.to[0] for message in mail.outbox) == sorted(person.email for person in people)
    assert list(OutboxEmail.objects.values_list("status", "claimed_at")) == [("sent", None), ("sent", None)]


def test_an_email_refused_for_now_is_tried_again_after_a_growing_wait_then_failed_after_five(queued, caplog):
    [ada] = queued(1)
    email = OutboxEmail.objects.get(send__user=ada)
    waits = []

    with caplog.at_level(logging.WARNING, logger="loyalty.reminders.services.outbox"):
        for attempt in range(1, 5):
            before = timezone.now()
            assert outbox.deliver_outbox(connection=RefusesForNow()) == 0
            email.refresh_from_db()
            assert (email.status, email.attempts, email.claimed_at) == ("queued", attempt, None)  # handed back
            assert "Mailbox full" in email.last_error
            waits.append(round((email.not_before - before).total_seconds() / 60))
            assert outbox.deliver_outbox(connection=RefusesForNow()) == 0  # not asked again before its time
            assert OutboxEmail.objects.get(pk=email.pk).attempts == attempt
            OutboxEmail.objects.filter(pk=email.pk).update(not_before=timezone.now() - timedelta(seconds=1))
        assert outbox.deliver_outbox(connection=RefusesForNow()) == 0  # the fifth and last
        assert outbox.deliver_outbox(connection=RefusesForNow()) == 0  # nothing left to try

    assert waits == [2, 8, 32, 128]
    email.refresh_from_db()
    assert (email.status, email.attempts, email.claimed_at) == ("failed", 5, None)
    errors = [record.getMessage() for record in caplog.records if record.levelno >= logging.ERROR]
    assert errors == [
        f"Reminder email {email.pk} not sent after 5 attempts; given up: {email.last_error}",
    ]
    assert len([record for record in caplog.records if record.levelno == logging.WARNING]) == 4
    assert mail.outbox == []
    assert not Email.objects.filter(user=ada).exists()


def test_an_email_refused_for_good_is_failed_at_once_and_logged_once(queued, caplog):
    [ada] = queued(1)

    with caplog.at_level(logging.WARNING, logger="loyalty.reminders.services.outbox"):
        assert outbox.deliver_outbox(connection=RefusesForGood()) == 0

    email = OutboxEmail.objects.get(send__user=ada)
    assert (email.status, email.attempts, email.claimed_at) == ("failed", 1, None)  # asking again would not help
    assert "No such user" in email.last_error
    assert [record.getMessage() for record in caplog.records] == [
        f"Reminder email {email.pk} not sent after 1 attempts; given up: {email.last_error}",
    ]
    assert outbox.deliver_outbox() == 0 and mail.outbox == []


def test_an_email_whose_worker_dies_every_time_is_failed_after_five_claims(queued, caplog):
    [ada] = queued(1)
    for _ in range(5):
        with pytest.raises(WorkerKilled):
            outbox.deliver_outbox(connection=DiesMidSend())
        _age_claims(outbox.OUTBOX_CLAIM_TIMEOUT + timedelta(seconds=1))

    with caplog.at_level(logging.ERROR, logger="loyalty.reminders.services.outbox"):
        assert outbox.deliver_outbox() == 0

    email = OutboxEmail.objects.get(send__user=ada)
    assert (email.status, email.attempts, email.claimed_at) == ("failed", 5, None)
    assert email.last_error == "The worker sending it stopped before the mail server answered, 5 times."
    assert [record.getMessage() for record in caplog.records] == [
        f"Reminder email {email.pk} not sent after 5 attempts; given up: {email.last_error}"
    ]
    assert mail.outbox == []


def test_an_unreachable_mail_server_hands_every_claim_back_uncounted(queued):
    queued(3)
    with pytest.raises(ConnectionRefusedError):
        outbox.deliver_outbox(connection=Unreachable())

    # The server's outage is no email's fault: each is tried again as if never claimed.
    assert list(OutboxEmail.objects.values_list("status", "attempts", "claimed_at")) == [("queued", 0, None)] * 3
    assert outbox.deliver_outbox() == 3
    assert len(mail.outbox) == 3
