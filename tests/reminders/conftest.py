"""Customers and rules for reminder tests; their orders are OrderFactory's, dated as each test needs."""

from datetime import date, time, timedelta

import pytest
from django.utils import timezone
from oscar.core.loading import get_model

from loyalty.reminders.models import ReminderMessage, ReminderRule, Trigger
from tests.factories import CustomerFactory, OrderFactory

Order = get_model("order", "Order")
OrderStatusChange = get_model("order", "OrderStatusChange")

# Fixed "now" for selection tests: a Wednesday noon in London, outside default quiet hours.
NOW = timezone.make_aware(timezone.datetime(2026, 6, 17, 12, 0))


@pytest.fixture
def now():
    return NOW


@pytest.fixture
def rule(db):
    """A rule for one trigger with no hold-out, no quiet hours and a loose cap unless a test says otherwise.

    Every other rule is disabled, so a whole run touches only what the test is about.
    """
    ReminderRule.objects.update(enabled=False)
    ReminderMessage.objects.all().delete()  # the default copy, not the demo's, so tests can quote it

    def make(trigger, **fields):
        defaults = {
            "enabled": True,
            "holdout_percent": 0,
            "weekly_cap": 10,
            "quiet_start": time(0),
            "quiet_end": time(0),
            "send_email": True,
            "send_inbox": True,
            "segments": "",
            "lookback_days": 7,
            "threshold": 0,
        }
        obj, _ = ReminderRule.objects.update_or_create(trigger=trigger, defaults={**defaults, **fields})
        return obj

    return make


@pytest.fixture
def customer(db):
    """A new customer (tests/factories.py), with only the fields the test is about."""

    def make(email=None, **fields):
        if email is not None:
            fields["email"] = email
        return CustomerFactory(**fields)

    return make


def status_change(order, status, at):
    change = OrderStatusChange.objects.create(order=order, old_status=order.status, new_status=status)
    OrderStatusChange.objects.filter(pk=change.pk).update(date_created=at)
    Order.objects.filter(pk=order.pk).update(status=status)
    return change


def keys_for(user):
    from loyalty.reminders.models import ReminderSend

    return sorted(ReminderSend.objects.filter(user=user).values_list("dedupe_key", flat=True))


def days(n):
    return timedelta(days=n)


@pytest.fixture
def due_twice_capped_once(rule, customer, now):
    """A customer due a birthday and a win-back reminder today, under a weekly cap of one."""
    rule(Trigger.BIRTHDAY, weekly_cap=1)
    rule(Trigger.WIN_BACK, threshold=30, weekly_cap=1)
    today = timezone.localdate(now)
    ada = customer(birth_date=date(1990, today.month, today.day))
    OrderFactory(user=ada, status="Delivered", placed=now - timezone.timedelta(days=90))
    return ada
