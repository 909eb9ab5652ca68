"""The weekly cap holds when two workers deliver chunks for the same customer at once."""

import pytest
from django.db import connection

from loyalty.reminders.models import ReminderSend
from loyalty.reminders.services import delivery, selection
from tests.helpers import at_once

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's row locks and real concurrency"),
]


def test_two_chunks_for_one_customer_delivered_at_once_respect_the_weekly_cap(due_twice_capped_once, now):
    ada = due_twice_capped_once
    selection.run_reminders(now=now)
    ids = list(ReminderSend.objects.filter(user=ada).values_list("pk", flat=True))
    assert len(ids) == 2

    outcomes = at_once(lambda send_id: delivery.deliver_sends(send_ids=[send_id], now=now), ids)

    assert not [o for o in outcomes if isinstance(o, Exception)]
    assert sorted(ReminderSend.objects.filter(user=ada).values_list("status", flat=True)) == ["capped", "sent"]
