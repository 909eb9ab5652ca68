"""Customers, orders and rules for reminder tests, made directly and dated as each test needs."""

import itertools
from datetime import date, time, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from oscar.core.loading import get_model

from loyalty.reminders.models import ReminderMessage, ReminderRule, Trigger

Order = get_model("order", "Order")
OrderLine = get_model("order", "Line")
OrderStatusChange = get_model("order", "OrderStatusChange")
Product = get_model("catalogue", "Product")

_numbers = itertools.count(1)

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
    def make(email=None, **fields):
        n = next(_numbers)
        flags = {name: fields.pop(name) for name in ("is_staff", "is_active") if name in fields}
        fields.setdefault("first_name", f"Shopper{n}")
        user = get_user_model().objects.create_user(email or f"shopper{n}@reminders.example", "pw", **fields)
        if flags:
            get_user_model().objects.filter(pk=user.pk).update(**flags)
            user.refresh_from_db()
        return user

    return make


def place_order(user, *, placed, status="Delivered", product=None):
    order = Order.objects.create(
        number=f"RT{next(_numbers):06d}",
        user=user,
        currency="GBP",
        total_incl_tax=Decimal("12.00"),
        total_excl_tax=Decimal("10.00"),
        status=status,
        date_placed=placed,
    )
    if product is not None:
        OrderLine.objects.create(
            order=order,
            product=product,
            partner_sku=product.upc,
            title=product.title,
            quantity=1,
            line_price_incl_tax=Decimal("12.00"),
            line_price_excl_tax=Decimal("10.00"),
            line_price_before_discounts_incl_tax=Decimal("12.00"),
            line_price_before_discounts_excl_tax=Decimal("10.00"),
            num_allocated=0,
        )
    return order


@pytest.fixture
def order_for():
    return place_order


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
def due_twice_capped_once(rule, customer, now, order_for):
    """A customer due a birthday and a win-back reminder today, under a weekly cap of one."""
    rule(Trigger.BIRTHDAY, weekly_cap=1)
    rule(Trigger.WIN_BACK, threshold=30, weekly_cap=1)
    today = timezone.localdate(now)
    ada = customer(birth_date=date(1990, today.month, today.day))
    order_for(ada, placed=now - timezone.timedelta(days=90))
    return ada
