"""The hourly reminder run takes each rule on its own: one that fails is logged and selects
nothing, the others select and their sends are handed out."""

import logging
from datetime import date, timedelta

import pytest
from django.utils import timezone

from loyalty.reminders.models import ReminderSend, Trigger
from loyalty.reminders.services import delivery, selection

pytestmark = pytest.mark.django_db


def test_a_rule_that_fails_does_not_stop_the_others(rule, customer, now, caplog):
    broken = rule(Trigger.SAVED_DESIGN, threshold=1_000_000)  # a million days: no date reaches back that far
    birthday = rule(Trigger.BIRTHDAY)
    today = timezone.localdate(now)
    person = customer(birth_date=date(1990, today.month, today.day))

    with caplog.at_level(logging.ERROR, logger="loyalty.reminders.services.selection"):
        summary = selection.run_reminders(now=now)

    assert list(ReminderSend.objects.filter(rule=birthday).values_list("user_id", flat=True)) == [person.pk]
    assert summary.chunks and person.pk in ReminderSend.objects.filter(id__in=summary.chunks[0]).values_list(
        "user_id", flat=True
    )
    assert not ReminderSend.objects.filter(rule=broken).exists()
    assert f"Reminder rule {broken.pk} (saved_design) failed" in caplog.text


def test_a_send_whose_message_cannot_be_rendered_fails_once_and_does_not_hold_back_its_chunk(
    rule, customer, now, caplog
):
    rule(Trigger.BIRTHDAY)
    today = timezone.localdate(now)
    broken, fine = (customer(birth_date=date(1990, today.month, today.day)) for _ in range(2))
    [chunk] = selection.run_reminders(now=now).chunks
    ReminderSend.objects.filter(user=broken).update(context=["not", "a", "mapping"])  # a damaged row

    with caplog.at_level(logging.ERROR, logger="loyalty.reminders.services.delivery"):
        outcome = delivery.deliver_sends(send_ids=chunk, now=now)

        assert (outcome["sent"], outcome["failed"]) == (1, 1)
        assert ReminderSend.objects.get(user=fine).status == "sent"
        failed = ReminderSend.objects.get(user=broken)
        assert (failed.status, failed.failure) == (
            "failed",
            "Could not be rendered from its stored values: TypeError: 'list' object is not a mapping",
        )
        assert failed.sent_at is None
        assert f"Reminder send {failed.pk} could not be rendered" in caplog.text

        # Rendering it again would fail again: later runs neither hand it out nor log it again.
        later = now + timedelta(hours=2)
        assert selection.dispatch_pending(now=later) == []
        for hours in (2, 3):
            for ids in selection.run_reminders(now=now + timedelta(hours=hours)).chunks:
                delivery.deliver_sends(send_ids=ids, now=now + timedelta(hours=hours))

    assert caplog.text.count("could not be rendered") == 1
    assert ReminderSend.objects.get(user=broken).status == "failed"
