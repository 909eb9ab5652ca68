"""The weekly cap holds when two workers deliver chunks for the same customer at once."""

import threading
from datetime import date

import pytest
from django.db import connection, connections
from django.utils import timezone

from loyalty.reminders import services
from loyalty.reminders.models import ReminderSend, Trigger

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's row locks and real concurrency"),
]


def test_two_chunks_for_one_customer_delivered_at_once_respect_the_weekly_cap(rule, customer, now, order_for):
    rule(Trigger.BIRTHDAY, weekly_cap=1)
    rule(Trigger.WIN_BACK, threshold=30, weekly_cap=1)
    today = timezone.localdate(now)
    ada = customer(birth_date=date(1990, today.month, today.day))
    order_for(ada, placed=now - timezone.timedelta(days=90))
    services.run_reminders(now=now)
    ids = list(ReminderSend.objects.filter(user=ada).values_list("pk", flat=True))
    assert len(ids) == 2
    ready = threading.Barrier(2)
    errors = []

    def deliver(send_id):
        try:
            ready.wait()
            services.deliver_sends(send_ids=[send_id], now=now)
        except Exception as error:  # noqa: BLE001 -- the test reports whatever a worker hit
            errors.append(error)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=deliver, args=(send_id,)) for send_id in ids]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert errors == []
    assert sorted(ReminderSend.objects.filter(user=ada).values_list("status", flat=True)) == ["capped", "sent"]
