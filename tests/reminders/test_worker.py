"""The whole run on a real Celery worker: beat's task selects, chunks go through the broker, the
worker writes the inbox and the outbox; a killed chunk is redelivered; a second run sends nothing."""

from datetime import date

import pytest
from django.utils import timezone
from oscar.core.loading import get_model

from loyalty.reminders import tasks
from loyalty.reminders.models import OutboxEmail, ReminderSend, Trigger
from loyalty.reminders.services import selection
from tests.helpers import wait_for
from tests.integration.conftest import celery_worker_process  # noqa: F401 -- the fixture

pytestmark = [pytest.mark.integration]

Notification = get_model("communication", "Notification")


def test_a_run_on_the_worker_reaches_inbox_and_outbox_once(committed_demo_shop, celery_worker_process, rule, customer):  # noqa: F811
    rule(Trigger.BIRTHDAY)
    today = timezone.localdate()
    people = [customer(birth_date=date(1991, today.month, today.day)) for _ in range(3)]

    tasks.run_reminders.delay()

    wait_for(
        lambda: Notification.objects.filter(recipient__in=people).count() == 3,
        timeout=60,
        message="three inbox notifications written by the worker",
    )
    assert OutboxEmail.objects.filter(send__user__in=people).count() == 3
    assert "loyalty.reminders.tasks.deliver_reminders" in celery_worker_process.output()

    # The second run finds every cause already recorded: no new rows, no chunk, no message.
    tasks.run_reminders.delay()
    wait_for(
        lambda: celery_worker_process.output().count("loyalty.reminders.tasks.run_reminders") >= 4,
        timeout=60,
        message="the second run to finish",
    )
    assert Notification.objects.filter(recipient__in=people).count() == 3
    assert ReminderSend.objects.filter(user__in=people).count() == 3


def test_a_chunk_enqueued_twice_is_delivered_once(committed_demo_shop, celery_worker_process, rule, customer):  # noqa: F811
    rule(Trigger.BIRTHDAY)
    today = timezone.localdate()
    people = [customer(birth_date=date(1992, today.month, today.day)) for _ in range(4)]
    [ids] = selection.run_reminders().chunks
    # As when a worker died after writing but before acknowledging: the broker hands it out again.
    tasks.deliver_reminders.delay(ids)
    tasks.deliver_reminders.delay(ids)
    wait_for(
        lambda: celery_worker_process.output().count("loyalty.reminders.tasks.deliver_reminders") >= 4,
        timeout=60,
        message="both deliveries to finish",
    )
    for person in people:
        assert Notification.objects.filter(recipient=person).count() == 1
        assert OutboxEmail.objects.filter(send__user=person).count() == 1
