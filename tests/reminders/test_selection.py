"""Each trigger selects exactly the customers whose cause is due, once per cause."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from oscar.core.loading import get_model

from configurator.models import ProductFamily, SavedDesign
from loyalty.reminders.models import ReminderSend, ReplenishmentInterval, Trigger
from loyalty.reminders.services import selection
from tests.factories import OrderFactory

from .conftest import days, keys_for, status_change

pytestmark = pytest.mark.django_db

Basket = get_model("basket", "Basket")
BasketLine = get_model("basket", "Line")
Product = get_model("catalogue", "Product")


def select(rule, now):
    return selection.select_candidates(rule=rule, now=now)


def test_birthday_selects_customers_born_today_once_a_year(rule, customer, now):
    r = rule(Trigger.BIRTHDAY)
    today = timezone.localdate(now)
    born_today = customer(birth_date=date(1990, today.month, today.day))
    born_tomorrow = customer(birth_date=date(1990, today.month, today.day) + timedelta(days=1))
    no_birthday = customer()
    select(r, now)
    assert keys_for(born_today) == [f"birthday:{born_today.pk}:2026"]
    assert keys_for(born_tomorrow) == []
    assert keys_for(no_birthday) == []
    assert select(r, now) == 0  # the same cause again inserts nothing


def test_leap_day_birthday_is_celebrated_on_28_february(rule, customer):
    r = rule(Trigger.BIRTHDAY)
    leapling = customer(birth_date=date(2000, 2, 29))
    select(r, timezone.make_aware(timezone.datetime(2027, 2, 28, 12)))
    assert keys_for(leapling) == [f"birthday:{leapling.pk}:2027"]


def test_purchase_anniversary_selects_the_day_of_a_past_years_order(rule, customer, now):
    r = rule(Trigger.ANNIVERSARY)
    loyal, recent, cancelled = customer(), customer(), customer()
    OrderFactory(user=loyal, placed=now.replace(year=2023), status="Delivered")
    OrderFactory(user=recent, placed=now - days(30), status="Delivered")
    OrderFactory(user=cancelled, placed=now.replace(year=2024), status="Cancelled")
    select(r, now)
    assert keys_for(loyal) == [f"anniversary:{loyal.pk}:2026"]
    assert ReminderSend.objects.get(user=loyal).context["amount"] == "3"
    assert keys_for(recent) == keys_for(cancelled) == []


@pytest.fixture
def filter_interval():
    fridge = ProductFamily.objects.get(slug="atelier-fridge")
    interval, _ = ReplenishmentInterval.objects.update_or_create(
        family=fridge,
        defaults={
            "item": "water filter",
            "reorder_product": Product.objects.get(upc="ATL-FILTER"),
            "interval_days": 180,
        },
    )
    return interval


def test_replenishment_is_due_an_interval_after_the_last_purchase(rule, customer, now, filter_interval):
    r = rule(Trigger.REPLENISHMENT, lookback_days=7)
    fridge = filter_interval.family.product
    due, refreshed, long_ago = customer(), customer(), customer()
    OrderFactory(user=due, placed=now - days(181), status="Delivered", lines=[(fridge, 1)])
    OrderFactory(user=refreshed, placed=now - days(181), status="Delivered", lines=[(fridge, 1)])
    new_filter = filter_interval.reorder_product
    OrderFactory(user=refreshed, placed=now - days(20), status="Delivered", lines=[(new_filter, 1)])
    OrderFactory(user=long_ago, placed=now - days(400), status="Delivered", lines=[(fridge, 1)])
    select(r, now)
    [key] = keys_for(due)
    assert key.startswith(f"replenishment:{due.pk}:{filter_interval.pk}:")
    assert ReminderSend.objects.get(user=due).context["product"] == "water filter"
    assert keys_for(refreshed) == []  # bought a new filter: the interval restarted
    assert keys_for(long_ago) == []  # due long ago: that reminder was for back then


def test_saved_design_not_ordered_after_n_days(rule, customer, now):
    r = rule(Trigger.SAVED_DESIGN, threshold=3, lookback_days=7)
    family = ProductFamily.objects.get(slug="atelier-fridge")
    waiting, bought = customer(), customer()
    designs = []
    for owner in (waiting, bought):
        design = SavedDesign.objects.create(family=family, owner=owner, version_number=1, values={}, price=100)
        SavedDesign.objects.filter(pk=design.pk).update(created_at=now - days(4))
        designs.append(design)
    OrderFactory(user=bought, placed=now - days(1), status="Delivered", lines=[(family.product, 1)])
    select(r, now)
    assert keys_for(waiting) == [f"saved_design:{waiting.pk}:{designs[0].pk}"]
    assert ReminderSend.objects.get(user=waiting).context["design_link"] == f"/designs/{designs[0].share_token}/"
    assert keys_for(bought) == []


def test_no_saved_design_reminder_for_a_product_no_longer_sold(rule, customer, now):
    r = rule(Trigger.SAVED_DESIGN, threshold=3, lookback_days=7)
    family = ProductFamily.objects.get(slug="atelier-fridge")
    owner = customer()
    design = SavedDesign.objects.create(family=family, owner=owner, version_number=1, values={}, price=100)
    SavedDesign.objects.filter(pk=design.pk).update(created_at=now - days(4))
    Product.objects.filter(pk=family.product_id).update(is_public=False)

    select(r, now)

    assert keys_for(owner) == []


def test_abandoned_basket_after_n_hours(rule, customer, now):
    r = rule(Trigger.ABANDONED_BASKET, threshold=24, lookback_days=3)
    left, active = customer(), customer()
    product = Product.objects.get(upc="ATL-FILTER")
    for owner, idle in ((left, timedelta(hours=30)), (active, timedelta(hours=2))):
        basket = Basket.objects.create(owner=owner, status="Open")
        line = BasketLine.objects.create(
            basket=basket,
            product=product,
            stockrecord=product.stockrecords.first(),
            line_reference=f"filter-{owner.pk}",
        )
        BasketLine.objects.filter(pk=line.pk).update(date_updated=now - idle)
    select(r, now)
    assert len(keys_for(left)) == 1
    assert keys_for(active) == []


def test_win_back_after_n_days_without_an_order(rule, customer, now):
    r = rule(Trigger.WIN_BACK, threshold=365)
    lapsed, regular, never = customer(), customer(), customer()
    OrderFactory(user=lapsed, placed=now - days(500), status="Delivered")
    OrderFactory(user=regular, placed=now - days(500), status="Delivered")
    OrderFactory(user=regular, placed=now - days(10), status="Delivered")
    select(r, now)
    assert len(keys_for(lapsed)) == 1
    assert keys_for(regular) == keys_for(never) == []


def test_order_milestones_and_survey(rule, customer, now):
    shipped_rule, delivered_rule = rule(Trigger.ORDER_SHIPPED), rule(Trigger.ORDER_DELIVERED)
    survey_rule = rule(Trigger.SURVEY, threshold=3, lookback_days=7)
    shopper = customer()
    on_its_way = OrderFactory(user=shopper, placed=now - days(6), status="In production")
    status_change(on_its_way, "Shipped", now - days(1))
    arrived = OrderFactory(user=shopper, placed=now - days(12), status="Shipped")
    status_change(arrived, "Delivered", now - days(4))
    for r in (shipped_rule, delivered_rule, survey_rule):
        select(r, now)
    assert keys_for(shopper) == sorted(
        [
            f"order_shipped:{shopper.pk}:{on_its_way.number}",
            f"order_delivered:{shopper.pk}:{arrived.number}",
            f"survey:{shopper.pk}:{arrived.number}",
        ]
    )


def test_inactive_customers_are_never_selected(rule, customer, now):
    r = rule(Trigger.BIRTHDAY)
    today = timezone.localdate(now)
    gone = customer(birth_date=date(1980, today.month, today.day), is_active=False)
    select(r, now)
    assert keys_for(gone) == []


def test_hold_out_group_is_recorded_but_not_pending(rule, customer, now):
    r = rule(Trigger.BIRTHDAY, holdout_percent=50)
    today = timezone.localdate(now)
    people = [customer(birth_date=date(1985, today.month, today.day)) for _ in range(40)]
    select(r, now)
    sends = ReminderSend.objects.filter(user__in=people)
    held = sends.filter(status=ReminderSend.Status.HELD_OUT)
    assert sends.count() == 40
    assert 8 <= held.count() <= 32  # about half, by a stable hash
    assert all(selection.is_held_out(r, s.user_id) for s in held)
    chunks = selection.dispatch_pending(now=now)
    dispatched = {i for chunk in chunks for i in chunk}
    assert not dispatched & set(held.values_list("id", flat=True))


def test_customer_at_weekly_cap_is_not_selected(rule, customer, now):
    r = rule(Trigger.BIRTHDAY, weekly_cap=2)
    other = rule(Trigger.WIN_BACK, threshold=1)
    today = timezone.localdate(now)
    busy = customer(birth_date=date(1985, today.month, today.day))
    for n in range(2):
        ReminderSend.objects.create(
            rule=other, user=busy, dedupe_key=f"win_back:{busy.pk}:x{n}", status=ReminderSend.Status.SENT,
            created_at=now - days(2), sent_at=now - days(2), window_start=now, window_end=now,
        )  # fmt: skip
    select(r, now)
    assert keys_for(busy) == [f"win_back:{busy.pk}:x0", f"win_back:{busy.pk}:x1"]
