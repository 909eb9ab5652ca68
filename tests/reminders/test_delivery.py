"""Delivery of a chunk: channels, consent, quiet hours, caps, failures, and never twice."""

from datetime import date, time

import pytest
from django.core import mail
from django.utils import timezone
from oscar.core.loading import get_model

from loyalty.reminders import messages, tasks
from loyalty.reminders.models import OutboxEmail, ReminderSend, Trigger
from loyalty.reminders.services import consent, delivery, outbox, selection

pytestmark = pytest.mark.django_db

Notification = get_model("communication", "Notification")
Email = get_model("communication", "Email")


@pytest.fixture
def birthday_today(rule, customer, now):
    """A birthday rule and a factory of customers whose birthday is today."""
    r = rule(Trigger.BIRTHDAY)
    today = timezone.localdate(now)

    def make(**fields):
        return customer(birth_date=date(1990, today.month, today.day), **fields)

    return r, make


def run(now):
    """One beat run at `now`, with its chunks delivered in this process."""
    summary = selection.run_reminders(now=now)
    outcome = {"sent": 0, "deferred": 0, "suppressed": 0, "capped": 0, "failed": 0}
    for ids in summary.chunks:
        for key, value in delivery.deliver_sends(send_ids=ids, now=now).items():
            outcome[key] += value
    return summary, outcome


def test_a_reminder_reaches_the_inbox_and_the_outbox(birthday_today, now):
    _, make = birthday_today
    ada = make(first_name="Ada")
    run(now)
    send = ReminderSend.objects.get(user=ada)
    assert send.status == ReminderSend.Status.SENT
    assert send.channels == "email,inbox"
    note = Notification.objects.get(recipient=ada)
    assert note.subject == "Happy birthday, Ada"
    assert send.notification == note
    email = OutboxEmail.objects.get(send=send)
    assert email.to == ada.email
    assert "Happy birthday" in email.body_html
    assert "/reminders/unsubscribe/" in email.body_text
    assert email.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert email.headers["List-Unsubscribe"].startswith("<http://testserver/reminders/unsubscribe/")


def test_a_second_run_sends_nothing(birthday_today, now):
    _, make = birthday_today
    ada = make()
    run(now)
    summary, outcome = run(now)
    assert summary.created == 0
    assert summary.chunks == []
    assert outcome["sent"] == 0
    assert Notification.objects.filter(recipient=ada).count() == 1
    assert OutboxEmail.objects.filter(send__user=ada).count() == 1


def test_delivering_the_same_chunk_twice_sends_once(birthday_today, now):
    _, make = birthday_today
    ada = make()
    summary = selection.run_reminders(now=now)
    [ids] = summary.chunks
    assert delivery.deliver_sends(send_ids=ids, now=now)["sent"] >= 1
    assert delivery.deliver_sends(send_ids=ids, now=now)["sent"] == 0
    assert Notification.objects.filter(recipient=ada).count() == 1


def test_a_chunk_that_fails_half_way_is_retried_without_duplicates(birthday_today, now, monkeypatch):
    _, make = birthday_today
    people = [make() for _ in range(5)]
    summary = selection.run_reminders(now=now)
    ids = [i for chunk in summary.chunks for i in chunk]
    real_render, calls = messages.render, []

    def render_then_fail(**kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise ConnectionError("template store went away")
        return real_render(**kwargs)

    monkeypatch.setattr(messages, "render", render_then_fail)
    with pytest.raises(ConnectionError):
        delivery.deliver_sends(send_ids=ids, now=now)
    # Nothing of the failed attempt remains: not the two rendered before the failure either.
    assert Notification.objects.filter(recipient__in=people).count() == 0
    assert OutboxEmail.objects.filter(send__user__in=people).count() == 0
    assert ReminderSend.objects.filter(user__in=people, status=ReminderSend.Status.PENDING).count() == 5

    # The task's automatic retry runs the chunk again and succeeds.
    monkeypatch.setattr(messages, "render", real_render)
    outcome = tasks.deliver_reminders.delay(ids).get()
    assert outcome["sent"] == 5
    for person in people:
        assert Notification.objects.filter(recipient=person).count() == 1
        assert OutboxEmail.objects.filter(send__user=person).count() == 1


def test_withdrawn_email_consent_means_inbox_only(birthday_today, now):
    _, make = birthday_today
    ada = make()
    consent.set_consent(user=ada, trigger=Trigger.BIRTHDAY, channel="email", allowed=False)
    run(now)
    send = ReminderSend.objects.get(user=ada)
    assert send.channels == "inbox"
    assert not OutboxEmail.objects.filter(send=send).exists()
    assert Notification.objects.filter(recipient=ada).count() == 1


def test_consent_withdrawn_on_every_channel_sends_nothing(birthday_today, now):
    _, make = birthday_today
    ada = make()
    consent.unsubscribe(user_id=ada.pk, trigger=Trigger.BIRTHDAY, wording="Stop these reminders?")
    run(now)
    assert ReminderSend.objects.get(user=ada).status == ReminderSend.Status.SUPPRESSED
    assert not Notification.objects.filter(recipient=ada).exists()
    assert not OutboxEmail.objects.filter(send__user=ada).exists()


def test_customer_without_an_email_address_gets_no_email(birthday_today, now):
    _, make = birthday_today
    nomail = make()
    type(nomail).objects.filter(pk=nomail.pk).update(email="")
    run(now)
    send = ReminderSend.objects.get(user=nomail)
    assert send.channels == "inbox"
    assert not OutboxEmail.objects.filter(send=send).exists()


def test_email_only_rule_and_no_address_is_suppressed(rule, customer, now):
    rule(Trigger.BIRTHDAY, send_inbox=False)
    today = timezone.localdate(now)
    nomail = customer(birth_date=date(1990, today.month, today.day))
    type(nomail).objects.filter(pk=nomail.pk).update(email="")
    run(now)
    assert ReminderSend.objects.get(user=nomail).status == ReminderSend.Status.SUPPRESSED


def test_quiet_hours_in_the_customers_time_zone_defer_until_morning(rule, customer, now):
    # Noon in London is 21:00 in Tokyo: inside 20:00–08:00 quiet hours there, not here.
    rule(Trigger.BIRTHDAY, quiet_start=time(20), quiet_end=time(8))
    today = timezone.localdate(now)
    tokyo = customer(birth_date=date(1990, today.month, today.day), time_zone="Asia/Tokyo")
    london = customer(birth_date=date(1990, today.month, today.day), time_zone="Europe/London")
    _, outcome = run(now)
    assert outcome["deferred"] == 1
    deferred = ReminderSend.objects.get(user=tokyo)
    assert deferred.status == ReminderSend.Status.PENDING
    assert deferred.due_at == timezone.datetime(2026, 6, 18, 8, 0, tzinfo=timezone.get_fixed_timezone(540))
    assert ReminderSend.objects.get(user=london).status == ReminderSend.Status.SENT

    _, outcome = run(now.replace(hour=16))  # not yet morning in Tokyo: nothing dispatched
    assert outcome["sent"] == 0
    _, outcome = run(deferred.due_at)  # 08:00 in Tokyo
    assert outcome["sent"] == 1
    assert Notification.objects.filter(recipient=tokyo).count() == 1


def test_weekly_cap_counts_reminders_sent_in_the_same_chunk(due_twice_capped_once, now):
    ada = due_twice_capped_once
    _, outcome = run(now)
    statuses = sorted(ReminderSend.objects.filter(user=ada).values_list("status", flat=True))
    assert statuses == ["capped", "sent"]
    assert outcome["capped"] == 1
    assert Notification.objects.filter(recipient=ada).count() == 1


def test_outbox_is_drained_into_mail_and_the_customers_email_history(birthday_today, now):
    _, make = birthday_today
    ada = make()
    run(now)
    mail.outbox.clear()
    assert outbox.deliver_outbox() >= 1
    [message] = [m for m in mail.outbox if m.to == [ada.email]]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.alternatives[0].mimetype == "text/html"
    assert OutboxEmail.objects.get(send__user=ada).status == OutboxEmail.Status.SENT
    assert Email.objects.filter(user=ada, subject__startswith="Happy birthday").count() == 1
    assert outbox.deliver_outbox() == 0  # drained: nothing sent twice


def test_html_values_are_escaped_in_email_and_inbox(birthday_today, now):
    _, make = birthday_today
    mallory = make(first_name="<script>alert(1)</script>")
    run(now)
    note = Notification.objects.get(recipient=mallory)
    assert "<script>" not in note.subject
    assert "&lt;script&gt;" in note.subject
    assert "<script>" not in OutboxEmail.objects.get(send__user=mallory).body_html
