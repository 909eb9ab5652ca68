"""Order news and the survey follow what happened to the order (its status changes), not the
status it has when the hourly run comes: each once per order, however the runs fall."""

from datetime import timedelta

import pytest
from oscar.core.loading import get_model

from loyalty.reminders.models import OutboxEmail, ReminderSend, Trigger
from loyalty.reminders.services import delivery, selection
from tests.factories import OrderFactory

from .conftest import days, keys_for, status_change

pytestmark = pytest.mark.django_db

Notification = get_model("communication", "Notification")


def run(now):
    """One hourly run at `now`, its chunks delivered here."""
    for ids in selection.run_reminders(now=now).chunks:
        delivery.deliver_sends(send_ids=ids, now=now)


def test_an_order_shipped_and_delivered_between_two_runs_gets_both_notices_once(rule, customer, now):
    rule(Trigger.ORDER_SHIPPED)
    rule(Trigger.ORDER_DELIVERED)
    shopper = customer()
    order = OrderFactory(user=shopper, placed=now - days(5), status="In production")
    run(now - timedelta(hours=1))
    assert keys_for(shopper) == []

    status_change(order, "Shipped", now - timedelta(minutes=50))
    status_change(order, "Delivered", now - timedelta(minutes=10))  # a courier quicker than the hourly run
    for hour in range(4):  # the run that sees both changes, and later ones replaying them
        run(now + timedelta(hours=hour))

    assert keys_for(shopper) == [
        f"order_delivered:{shopper.pk}:{order.number}",
        f"order_shipped:{shopper.pk}:{order.number}",
    ]
    assert set(ReminderSend.objects.filter(user=shopper).values_list("status", flat=True)) == {"sent"}
    assert sorted(Notification.objects.filter(recipient=shopper).values_list("subject", flat=True)) == [
        f"Order {order.number} has arrived",
        f"Order {order.number} is on its way",
    ]
    assert OutboxEmail.objects.filter(send__user=shopper).count() == 2


def test_a_shipping_notice_is_not_sent_for_an_order_that_only_claims_to_be_shipped(rule, customer, now):
    # The cause is the change to Shipped; an order carrying the status with no such change (data
    # imported as it stands) has nothing to announce.
    rule(Trigger.ORDER_SHIPPED)
    shopper = customer()
    OrderFactory(user=shopper, placed=now - days(2), status="Shipped", history=False)
    run(now)
    assert keys_for(shopper) == []


def test_the_survey_follows_delivery_unless_the_order_was_refunded_before_it_was_due(rule, customer, now):
    rule(Trigger.SURVEY, threshold=3, lookback_days=7)
    shopper = customer()
    kept = OrderFactory(user=shopper, placed=now - days(10), status="Shipped")
    status_change(kept, "Delivered", now - days(4))
    returned = OrderFactory(user=shopper, placed=now - days(10), status="Shipped")
    status_change(returned, "Delivered", now - days(4))
    status_change(returned, "Refunded", now - days(2))  # before the survey's day (delivery + 3)
    refunded_later = OrderFactory(user=shopper, placed=now - days(10), status="Shipped")
    status_change(refunded_later, "Delivered", now - days(5))
    status_change(refunded_later, "Refunded", now - days(1))  # after its survey was due (2 days ago)

    run(now)
    run(now + timedelta(hours=1))

    assert keys_for(shopper) == sorted(
        [f"survey:{shopper.pk}:{kept.number}", f"survey:{shopper.pk}:{refunded_later.number}"]
    )
    assert Notification.objects.filter(recipient=shopper).count() == 2
