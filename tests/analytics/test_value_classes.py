"""The nightly value-class run (analytics.reclassify): the figures it reads from the orders and the
care tickets, what it writes to the loyalty accounts and the history (a change recorded once),
one bad row not stopping the others, the Celery task and the command."""

import io
import logging
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from analytics import reclassify
from analytics.models import ValueClassHistory, ValueClassRules
from analytics.selectors.value_classes import customer_figures, twelve_months
from analytics.tasks import reclassify_customers as reclassify_task
from analytics.value_classes import Figures
from care.models import Severity
from care.services.opening import open_ticket
from loyalty.models import LoyaltyAccount, ValueClass
from tests.analytics.margin_shop import PERIOD, build_shop
from tests.care.conftest import make_topic
from tests.factories import CustomerFactory, LoyaltyAccountFactory, OrderFactory

pytestmark = pytest.mark.django_db

D = Decimal
TODAY = date(2026, 6, 15)


def test_the_figures_are_the_margin_dashboards_contribution_with_refunds_complaints_and_the_past():
    shop = build_shop()
    quality = make_topic("test-quality", queue="Quality", is_complaint=True)
    question = make_topic("test-question")
    in_period = datetime(2021, 4, 20, 10, 0, tzinfo=timezone.get_current_timezone())
    for topic in (quality, quality, question):
        open_ticket(topic=topic, subject="Frayed", body="The handle frayed.", user=shop.ben,
                    severity=Severity.MINOR if topic.is_complaint else Severity.NONE, now=in_period)  # fmt: skip
    earlier = CustomerFactory()
    LoyaltyAccountFactory(user=earlier)
    OrderFactory(user=earlier, status="Delivered", placed=in_period - timedelta(days=800))

    figures = customer_figures(PERIOD)

    ada, ben = figures[shop.ada.pk], figures[shop.ben.pk]
    assert (ada.contribution, ada.orders, ada.paid, ada.refunds, ada.complaints) == (D("43.60"), 1, D("180.00"),
                                                                                     D("20.00"), 0)  # fmt: skip
    assert (ben.contribution, ben.orders, ben.complaints) == (D("113.50"), 2, 2)
    assert figures[earlier.pk].orders == 0 and figures[earlier.pk].bought_before
    assert not ada.bought_before


def test_twelve_months_are_365_days_up_to_today():
    period = twelve_months(TODAY)

    assert (period.start, period.end) == (date(2025, 6, 16), TODAY)


@pytest.fixture
def people():
    """Ten fresh customers with accounts; the run reads the figures `set_figures` gives them."""
    return [LoyaltyAccountFactory().user for _ in range(10)]


@pytest.fixture
def set_figures(monkeypatch):
    current = {}

    def put(figures):
        current.clear()
        current.update({one.user_id: one for one in figures})

    monkeypatch.setattr(reclassify, "customer_figures", lambda period: dict(current))
    return put


def ranked(people, **overrides):
    """Customers 0..9 contributing 1000, 900, ... 100; `c3="-5"` changes one."""
    figures = []
    for index, person in enumerate(people):
        amount = D(overrides.get(f"c{index}", (10 - index) * 100))
        figures.append(Figures(user_id=person.pk, contribution=amount, orders=1, paid=D(2000)))
    return figures


def classes_of(people):
    held = dict(LoyaltyAccount.objects.filter(user__in=people).values_list("user_id", "value_class"))
    return [held[person.pk] for person in people]


def history_of(person):
    return list(
        ValueClassHistory.objects.filter(user_id=person.pk)
        .order_by("computed_on")
        .values_list("computed_on", "previous_class", "value_class")
    )


def test_the_first_run_classifies_everyone_and_records_each_first_class(people, set_figures):
    set_figures([*ranked(people[:9]), Figures(user_id=people[9].pk)])

    result = reclassify.reclassify_customers(today=TODAY)

    # Nine ranked: one premium seat (ceil 0.36), two premium-or-major seats (ceil 1.8).
    assert classes_of(people) == ["premium", "major", *["ordinary"] * 7, "potential"]
    assert result.changed == 10 and result.failed == 0
    assert history_of(people[0]) == [(TODAY, "", "premium")]
    assert history_of(people[9]) == [(TODAY, "", "potential")]  # the default class, still recorded once
    row = ValueClassHistory.objects.get(user_id=people[0].pk)
    assert (row.contribution_12m, row.orders_12m, row.reason) == (D("1000.00"), 1, "")


def test_a_run_that_finds_nothing_changed_writes_nothing_the_same_day_or_the_next(people, set_figures):
    set_figures(ranked(people))
    reclassify.reclassify_customers(today=TODAY)
    rows = ValueClassHistory.objects.count()

    again = reclassify.reclassify_customers(today=TODAY)
    tomorrow = reclassify.reclassify_customers(today=TODAY + timedelta(days=1))

    assert again.changed == tomorrow.changed == 0
    assert ValueClassHistory.objects.count() == rows


def test_a_customer_who_moves_class_is_recorded_once_with_where_they_came_from(people, set_figures):
    set_figures(ranked(people))
    reclassify.reclassify_customers(today=TODAY)
    next_day = TODAY + timedelta(days=1)
    set_figures(ranked(people, c4="-20"))

    moved = reclassify.reclassify_customers(today=next_day)
    reclassify.reclassify_customers(today=next_day)
    reclassify.reclassify_customers(today=next_day + timedelta(days=1))

    assert moved.changed == 1
    assert history_of(people[4]) == [(TODAY, "", "ordinary"), (next_day, "ordinary", "restricted")]
    row = ValueClassHistory.objects.get(user_id=people[4].pk, computed_on=next_day)
    assert row.reason == "contributed -20.00 in 12 months" and row.contribution_12m == D("-20.00")
    assert LoyaltyAccount.objects.get(user=people[4]).value_class == ValueClass.RESTRICTED


def test_moving_twice_in_a_day_keeps_one_row_and_moving_back_keeps_none(people, set_figures):
    set_figures(ranked(people))
    reclassify.reclassify_customers(today=TODAY)
    later = TODAY + timedelta(days=3)

    set_figures(ranked(people, c4="-20"))
    reclassify.reclassify_customers(today=later)
    set_figures(ranked(people, c4="5000"))
    reclassify.reclassify_customers(today=later)
    assert history_of(people[4]) == [(TODAY, "", "ordinary"), (later, "ordinary", "premium")]

    set_figures(ranked(people))
    reclassify.reclassify_customers(today=later)
    assert history_of(people[4]) == [(TODAY, "", "ordinary")]
    assert classes_of(people)[4] == "ordinary"


def test_the_staffs_cut_is_what_the_run_reads(people, set_figures):
    ValueClassRules.objects.create(premium_percent=D(20), major_percent=D(50))
    set_figures(ranked(people))

    reclassify.reclassify_customers(today=TODAY)

    assert classes_of(people) == ["premium"] * 2 + ["major"] * 3 + ["ordinary"] * 5


def test_one_bad_row_does_not_stop_the_others_and_is_tried_again_the_next_night(people, set_figures, monkeypatch,
                                                                                caplog):  # fmt: skip
    set_figures(ranked(people))
    real_row = reclassify._history_row
    bad = people[1].pk

    def broken(verdict, previous_class, today):
        if verdict.user_id == bad:
            raise ValueError("a row that cannot be written")
        return real_row(verdict, previous_class, today)

    monkeypatch.setattr(reclassify, "_history_row", broken)
    with caplog.at_level(logging.ERROR, logger="analytics.reclassify"):
        result = reclassify.reclassify_customers(today=TODAY, chunk=4)

    assert (result.failed, result.changed) == (1, 9)
    assert classes_of(people) == ["premium", "potential", *["ordinary"] * 8]  # the bad one kept as it was
    assert history_of(people[1]) == []
    assert f"customer {bad} not written" in caplog.text

    monkeypatch.setattr(reclassify, "_history_row", real_row)
    next_night = reclassify.reclassify_customers(today=TODAY + timedelta(days=1))
    assert (next_night.failed, next_night.changed) == (0, 1)
    assert classes_of(people)[1] == "major"


def test_the_demo_shop_is_classified_and_a_second_run_adds_nothing():
    first = reclassify.reclassify_customers()
    second = reclassify.reclassify_customers()

    accounts = LoyaltyAccount.objects.count()
    assert first.customers == accounts and first.failed == 0
    assert sum(first.classes.values()) == accounts
    assert second.changed == 0
    assert ValueClassHistory.objects.values("user_id").distinct().count() == accounts


def test_the_task_and_the_command_run_the_same_service(people, set_figures):
    set_figures(ranked(people))

    assert reclassify_task.apply().get()["changed"] == 10
    out = io.StringIO()
    call_command("reclassify_customers", "--no-progress", stdout=out)
    assert "0 changed, 0 failed" in out.getvalue()
