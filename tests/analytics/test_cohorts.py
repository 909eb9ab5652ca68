"""Cohorts on the hand-built shop of tests/analytics/cohort_shop.py: the retention triangle cell by
cell, repurchase within 90 days by the tier of the day and by the first order's survey score, the
filters, and a bounded number of queries."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from analytics.selectors import cohorts
from analytics.selectors.margins import Period
from loyalty.models import LoyaltyAccount, Segment
from tests.analytics.cohort_shop import COHORTS, build_cohort_shop

pytestmark = pytest.mark.django_db

LATER = datetime(2022, 1, 1, tzinfo=timezone.get_current_timezone())  # every 90-day window has run out


@pytest.fixture
def shop():
    return build_cohort_shop()


def test_the_triangle_counts_each_cohort_and_who_came_back_in_each_month_after(shop):
    rows = cohorts.retention(COHORTS, today=date(2022, 6, 1))

    assert [(c.month, c.customers) for c in rows] == [(date(2021, 1, 1), 2), (date(2021, 2, 1), 3)]
    january, february = rows
    assert january.returned == [1, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0]
    assert february.returned == [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    assert january.cells[0] == (1, 1, Decimal("50.0"))
    assert february.cells[0] == (1, 1, Decimal("33.3"))


def test_months_not_begun_are_blank_not_zero(shop):
    january, february = cohorts.retention(COHORTS, today=date(2021, 4, 15))

    assert january.returned == [1, 0, 1] + [None] * 9  # April has begun, May not
    assert february.returned == [1, 0] + [None] * 10


def test_a_cancelled_or_unpaid_order_starts_no_cohort_and_a_refunded_one_counts(shop):
    january, february = cohorts.retention(COHORTS, today=date(2022, 6, 1))

    # Gus's cancelled January order and unpaid March one count nowhere; Dev's refunded June order does.
    assert february.customers == 3 and february.returned[0] == 1
    assert january.returned[4] == 1


def test_the_period_picks_cohorts_by_the_first_order_ever(shop):
    rows = cohorts.retention(Period(date(2021, 2, 1), date(2021, 4, 30)), today=date(2022, 6, 1))

    # Cora's and Finn's later orders start no cohort of their own.
    assert [(c.month, c.customers) for c in rows] == [(date(2021, 2, 1), 3)]


def test_the_family_filter_keeps_whom_that_family_brought_in(shop):
    tees = cohorts.retention(COHORTS, family="printed-tee", today=date(2022, 6, 1))
    stocked = cohorts.retention(COHORTS, family="stocked", today=date(2022, 6, 1))

    assert [(c.month, c.customers, c.returned[4]) for c in tees] == [(date(2021, 1, 1), 1, 1)]  # Dev
    assert [(c.month, c.customers, c.returned[0]) for c in stocked] == [(date(2021, 2, 1), 1, 0)]  # Gus


def test_the_segment_filter_keeps_the_customers_in_it_now(shop):
    LoyaltyAccount.objects.filter(user=shop.people["Finn"]).update(segment=Segment.LOYAL)

    rows = cohorts.retention(COHORTS, segment=Segment.LOYAL, today=date(2022, 6, 1))

    assert [(c.month, c.customers, c.returned[0]) for c in rows] == [(date(2021, 2, 1), 1, 1)]


def test_the_orders_behind_a_cell_are_the_cohorts_orders_of_that_month(shop):
    rows = cohorts.orders_behind_cell(COHORTS, cohort=date(2021, 1, 1), offset=1)
    first = cohorts.orders_behind_cell(COHORTS, cohort=date(2021, 2, 1), offset=0)

    assert [(r.number, r.first_order) for r in rows] == [
        (shop.orders["cora-feb"].number, shop.orders["cora-jan"].number)
    ]
    assert [r.number for r in first] == [
        shop.orders[k].number for k in ("eve-feb", "finn-feb", "finn-feb-2", "gus-feb")
    ]


def by_key(rows):
    return {r.label: (r.customers, r.again, r.waiting, r.rate) for r in rows}


def test_repurchase_by_the_tier_on_the_day_of_the_first_order(shop):
    rows = cohorts.repurchase_by_tier(COHORTS, now=LATER)

    assert by_key(rows) == {
        "Member": (1, 0, 0, Decimal("0.0")),  # Gus (an announced downgrade is not a move)
        "Silver": (2, 2, 0, Decimal("100.0")),  # Cora (Gold only since March) and Finn
        "Gold": (0, 0, 0, None),
        "Platinum": (1, 0, 0, Decimal("0.0")),  # Dev: no change recorded, his tier now
        "No tier": (1, 0, 0, Decimal("0.0")),  # Eve
    }
    assert [r.label for r in rows] == ["Member", "Silver", "Gold", "Platinum", "No tier"]


def test_customers_whose_window_is_still_open_are_counted_apart(shop):
    on_1_may = datetime(2021, 5, 1, tzinfo=timezone.get_current_timezone())

    rows = by_key(cohorts.repurchase_by_tier(COHORTS, now=on_1_may))

    # Cora's 90 days ran out on 5 April; Finn's (20 Feb), Eve's (3 Feb) and Gus's (28 Feb) had not.
    assert rows["Silver"] == (1, 1, 1, Decimal("100.0"))
    assert rows["No tier"] == (0, 0, 1, None)
    assert rows["Member"] == (0, 0, 1, None)
    assert rows["Platinum"] == (1, 0, 0, Decimal("0.0"))


def test_a_shorter_window_counts_fewer_second_orders(shop):
    rows = by_key(cohorts.repurchase_by_tier(COHORTS, days=30, now=LATER))

    assert rows["Silver"] == (2, 1, 0, Decimal("50.0"))  # Finn's 5 days; Cora's 46 are too many


def test_repurchase_by_the_first_orders_survey_score(shop):
    rows = cohorts.repurchase_by_survey(COHORTS, now=LATER)

    assert by_key(rows) == {
        "1 of 5": (0, 0, 0, None),  # Dev's 1 was for his second order
        "2 of 5": (1, 1, 0, Decimal("100.0")),  # Finn
        "3 of 5": (0, 0, 0, None),
        "4 of 5": (0, 0, 0, None),
        "5 of 5": (1, 1, 0, Decimal("100.0")),  # Cora
        "No survey answered": (3, 0, 0, Decimal("0.0")),  # Dev, Eve, Gus
    }


def test_the_cohort_figures_take_a_bounded_number_of_queries(shop, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        cohorts.retention(COHORTS)
        cohorts.repurchase_by_tier(COHORTS, now=LATER)
        cohorts.repurchase_by_survey(COHORTS, now=LATER)
