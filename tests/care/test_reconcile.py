"""A staff reply whose e-mail task was lost is mailed by the reconciler, once; notes and customers' words never."""

import pytest
from django.core import mail
from django.utils import timezone

from care import services, tasks
from care.models import Author, TicketMessage
from portal import reconcile
from tests.factories import CustomerFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def row():
    return reconcile.by_name("care-reply-mails")


@pytest.fixture
def ticket(question_topic):
    return services.open_ticket(topic=question_topic, user=CustomerFactory(email="lin@example.com"), subject="Help",
                                body="Where is it?")[0]  # fmt: skip


def lost_reply(ticket, django_capture_on_commit_callbacks, **kwargs):
    with django_capture_on_commit_callbacks(execute=False):  # the task is never sent: a worker died
        message, _ = services.reply(ticket=ticket, author_kind=Author.STAFF, author=StaffFactory(), **kwargs)
    return message


def aged(message, minutes=20):
    TicketMessage.objects.filter(pk=message.pk).update(created=timezone.now() - timezone.timedelta(minutes=minutes))


def test_a_staff_reply_whose_mail_was_lost_is_sent_once(ticket, row, django_capture_on_commit_callbacks):
    message = lost_reply(ticket, django_capture_on_commit_callbacks, body="It ships on Monday.")
    mail.outbox.clear()
    assert reconcile.run_one(row) == 0  # just written: its own task may still be on its way

    aged(message)
    assert reconcile.run_one(row) == 1
    assert reconcile.run_one(row) == 0
    tasks.send_message_mail(message.pk)  # the lost task, delivered late after all

    assert [m.to for m in mail.outbox] == [["lin@example.com"]]
    assert "It ships on Monday." in mail.outbox[0].body
    message.refresh_from_db()
    assert message.emailed_at is not None


def test_internal_notes_customer_messages_and_old_replies_are_not_mailed(
    ticket, row, django_capture_on_commit_callbacks
):
    note = lost_reply(ticket, django_capture_on_commit_callbacks, body="Staff only", internal=True)
    with django_capture_on_commit_callbacks(execute=False):
        theirs, _ = services.reply(ticket=ticket, body="Any news?", author_kind=Author.CUSTOMER, author=ticket.user)
    stale = lost_reply(ticket, django_capture_on_commit_callbacks, body="Last month's")
    for message, minutes in ((note, 20), (theirs, 20), (stale, 8 * 24 * 60)):
        aged(message, minutes)
    mail.outbox.clear()

    assert reconcile.run_one(row) == 0
    assert mail.outbox == []


def test_a_reply_already_mailed_is_not_found(ticket, row, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message, _ = services.reply(ticket=ticket, body="Sent", author_kind=Author.STAFF, author=StaffFactory())
    aged(message)
    mail.outbox.clear()

    assert reconcile.run_one(row) == 0
    assert mail.outbox == []
