"""The outbox on PostgreSQL with real concurrency: nothing is locked while the mail server is
talked to (the nightly erasure deletes a customer mid-send), and two workers never send one email twice."""

import threading

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection, connections, transaction
from oscar.core.loading import get_model

from loyalty.reminders.models import OutboxEmail
from loyalty.reminders.services import outbox
from tests.helpers import at_once

from .test_outbox_claims import queued  # noqa: F401 -- the fixture

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's row locks and real concurrency"),
]

Email = get_model("communication", "Email")


def test_a_customer_can_be_erased_while_their_reminder_email_is_being_sent(queued):  # noqa: F811
    [ada] = queued(1)
    in_send, release, result = threading.Event(), threading.Event(), []

    class Slow(EmailBackend):
        def send_messages(self, messages):
            in_send.set()
            release.wait(timeout=30)
            return super().send_messages(messages)

    def worker():
        try:
            result.append(outbox.deliver_outbox(connection=Slow()))
        except Exception as error:  # noqa: BLE001 -- asserted below
            result.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=worker)
    thread.start()
    try:
        assert in_send.wait(timeout=30)
        # What the nightly account erasure does, told to give up rather than wait on a lock.
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '2s'")
            get_user_model().objects.filter(pk=ada.pk).delete()
    finally:
        release.set()
        thread.join(timeout=30)

    # The mail server had the message; its row went with the customer, and no history is written for them.
    assert result == [1]
    assert [message.to for message in mail.outbox] == [[ada.email]]
    assert not OutboxEmail.objects.exists()
    assert not Email.objects.filter(email=ada.email).exists()


def test_two_workers_at_once_send_each_email_once(queued):  # noqa: F811
    people = queued(6)

    outcomes = at_once(lambda _: outbox.deliver_outbox(limit=4), [1, 2])

    assert sorted(outcomes) == [2, 4]
    assert sorted(message.to[0] for message in mail.outbox) == sorted(person.email for person in people)
    assert OutboxEmail.objects.filter(status="sent").count() == 6
    assert Email.objects.filter(user__in=people).count() == 6
