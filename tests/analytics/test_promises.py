"""Promises kept on the hand-built shop of tests/analytics/cohort_shop.py, seen on 1 March 2021:
on-time shipping by family and by month, a late order not yet shipped, one not yet due, the
lateness bands, the orders behind a figure, and a bounded number of queries."""

from datetime import date
from decimal import Decimal

import pytest

from analytics.selectors import promises
from atelier.orders import OrderStatus
from production.models import PromisedDate
from tests.analytics.cohort_shop import ON_1_MARCH, PROMISES, build_cohort_shop, noon
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    return build_cohort_shop()


def figures(row):
    return (row.on_time, row.late_shipped, row.late_waiting, row.not_due, row.on_time_pct)


def test_on_time_by_month_of_the_promised_day(shop):
    report = promises.promises_kept(PROMISES, today=ON_1_MARCH)

    assert figures(report.total) == (2, 2, 1, 1, Decimal("40.0"))
    assert [(m.key, figures(m)) for m in report.by_month] == [
        (date(2021, 1, 1), (1, 1, 0, 0, Decimal("50.0"))),  # Cora on her promised day; Dev 2 days late
        (date(2021, 2, 1), (1, 1, 1, 0, Decimal("33.3"))),  # Eve early; Cora 11 days late; Finn waiting
        (date(2021, 3, 1), (0, 0, 0, 1, None)),  # Gus: promised 5 March, not due yet
    ]


def test_on_time_by_family_the_worst_first(shop):
    report = promises.promises_kept(PROMISES, today=ON_1_MARCH)

    assert [(f.key, figures(f)) for f in report.by_family] == [
        ("printed-tee", (0, 2, 0, 0, Decimal("0.0"))),
        ("printed-tote", (2, 0, 1, 0, Decimal("66.7"))),
        ("stocked", (0, 0, 0, 1, None)),
    ]


def test_lateness_is_counted_in_bands_of_days(shop):
    report = promises.promises_kept(PROMISES, today=ON_1_MARCH)

    assert report.total.bands == [("1–2 days", 1), ("3–7 days", 0), ("8–14 days", 2), ("15 days or more", 0)]


def test_an_unshipped_order_past_its_promise_grows_later_by_the_day(shop):
    report = promises.promises_kept(PROMISES, today=date(2021, 3, 10))

    # Gus's order, promised 5 March and not shipped, is now 5 days late; Finn's 17.
    assert figures(report.total) == (2, 2, 2, 0, Decimal("33.3"))
    assert report.total.bands == [("1–2 days", 1), ("3–7 days", 1), ("8–14 days", 1), ("15 days or more", 1)]


def test_the_family_filter_keeps_orders_with_a_line_of_it(shop):
    report = promises.promises_kept(PROMISES, family="printed-tee", today=ON_1_MARCH)

    assert [(f.key, f.label) for f in report.by_family] == [("printed-tee", "Custom Printed T-shirt")]
    assert figures(report.total) == (0, 2, 0, 0, Decimal("0.0"))
    assert [(m.key, m.late) for m in report.by_month] == [(date(2021, 1, 1), 1), (date(2021, 2, 1), 1)]


def test_the_late_orders_behind_a_family_month(shop):
    rows = promises.orders_behind(PROMISES, family="printed-tote", month=date(2021, 2, 1), today=ON_1_MARCH)
    every_late = promises.orders_behind(PROMISES, today=ON_1_MARCH)

    assert [(order.number, order.shipped, days) for order, days in rows] == [(shop.orders["finn-feb"].number, None, 8)]
    assert [(order.number, days) for order, days in every_late] == [
        (shop.orders["cora-feb"].number, 11),
        (shop.orders["finn-feb"].number, 8),
        (shop.orders["dev-jan"].number, 2),
    ]


def test_an_order_refunded_before_shipping_and_one_without_its_shipping_recorded_are_left_out(shop):
    imported = OrderFactory(user=shop.people["Eve"], placed=noon(2, 1), status=OrderStatus.DELIVERED, history=False)
    PromisedDate.objects.create(order=imported, ship_date=date(2021, 2, 4))

    report = promises.promises_kept(PROMISES, today=ON_1_MARCH)
    numbers = {order.number for order, _ in promises.orders_behind(PROMISES, which="all", today=ON_1_MARCH)}

    assert report.unrecorded == 1
    assert figures(report.total) == (2, 2, 1, 1, Decimal("40.0"))
    assert shop.orders["finn-feb-2"].number not in numbers and imported.number not in numbers


def test_the_promise_figures_take_a_bounded_number_of_queries(shop, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):  # the orders, their families, the families' names
        promises.promises_kept(PROMISES, today=ON_1_MARCH)
