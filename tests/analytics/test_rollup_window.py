"""The window of the last 12 months (analytics/rollup_window.py): the contributions by customer,
segment and tier summed over it, read by the page instead of a row per customer and day, equal to
the raw computation to the penny; the days after it added on top; a night refreshing only the
customers it touched equal to summing the window whole; a stale window never read."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import DatabaseError
from oscar.core.loading import get_model

from analytics import rollup, rollup_window
from analytics.models import ContributionWindow, CustomerContribution, GroupContribution
from analytics.selectors import margins, rollups
from analytics.selectors.margins import Period
from loyalty.models import LoyaltyAccount, Segment, Tier
from tests.analytics.margin_shop import PERIOD, TOTE, _when, build_shop
from tests.analytics.test_rollups import contribution_table
from tests.factories import CustomerFactory, OrderFactory

pytestmark = pytest.mark.django_db
Order = get_model("order", "Order")
Source = get_model("payment", "Source")
D = Decimal
THROUGH = date(2021, 4, 10)  # Ada's order (3 March) and Ben's totes (10 April) in it; his stocked item (12 April) after
START = THROUGH - timedelta(days=363)
PAGE = Period(START, PERIOD.end)  # the window and the days after it, as the page asks on 30 April
YEAR = rollup_window.WINDOW_DAYS


@pytest.fixture
def shop():
    return build_shop()


def assert_equals_raw(period):
    for by in ("customer", "segment", "tier"):
        raw = contribution_table(margins.contributions(period, by=by))
        assert raw, f"the shop has {by} figures to compare"
        assert contribution_table(rollups.contributions(period, by=by)) == raw
    raw = contribution_table(margins.contributions(period))
    for lowest in (1, 2):
        assert contribution_table(rollups.contributions(period, lowest=lowest)) == raw[:lowest]


def window_rows():
    return (
        sorted(
            CustomerContribution.objects.values_list(
                "days", "user_id", *rollup_window.FIGURES, "contribution", "segment", "tier"
            ),
            key=str,
        ),
        sorted(
            GroupContribution.objects.values_list("days", "segment", "tier", "customers", *rollup_window.FIGURES),
            key=str,
        ),
    )


def test_a_full_build_sums_the_window_by_customer_and_by_segment_and_tier(shop):
    rollup.roll_up(full=True, through=THROUGH)

    window = ContributionWindow.objects.get(days=YEAR)
    assert (window.start, window.through, window.valid) == (START, THROUGH, True)
    assert set(CustomerContribution.objects.filter(days=YEAR).values_list("user_id", flat=True)) == {
        shop.ada.pk,
        shop.ben.pk,
    }
    top = Tier.objects.get(pk=LoyaltyAccount.objects.get(user=shop.ada).tier_id).name
    assert sorted(
        GroupContribution.objects.filter(days=YEAR).values_list("segment", "tier", "customers", "orders"), key=str
    ) == sorted([(Segment.LOYAL, top, 1, 1), (Segment.AT_RISK, None, 1, 1)], key=str)
    ada = CustomerContribution.objects.get(days=YEAR, user=shop.ada)
    # 200.00 − 97.00 − 5.00 − 15.00 − 20.00 − 19.40 (tests/analytics/test_rollups.py): paid − cost − refunds − remakes.
    assert ada.contribution == D("43.60")
    assert_equals_raw(Period(START, THROUGH))


def test_the_page_reads_the_window_for_its_period_only(shop):
    rollup.roll_up(full=True, through=THROUGH)
    CustomerContribution.objects.filter(user=shop.ada).update(refunds=D("1000"))  # what only the window says
    GroupContribution.objects.filter(segment=Segment.LOYAL).update(refunds=D("1000"))

    ada = next(r for r in rollups.contributions(PAGE) if r.key == shop.ada.pk)
    loyal = next(r for r in rollups.contributions(PAGE, by="segment") if r.key == Segment.LOYAL)
    other = Period(START + timedelta(days=1), PERIOD.end)  # another start: the daily roll-ups
    ada_other = next(r for r in rollups.contributions(other) if r.key == shop.ada.pk)

    assert (ada.refunds, loyal.refunds, ada_other.refunds) == (D("1000.00"), D("1000.00"), D("20.00"))


def test_the_days_after_the_window_are_added_on_top_each_customer_counted_once(shop):
    rollup.roll_up(full=True, through=THROUGH)
    nia = CustomerFactory(first_name="Nia", last_name="Window")
    LoyaltyAccount.objects.update_or_create(user=nia, defaults={"segment": Segment.CHAMPIONS, "tier": None})
    OrderFactory(user=nia, configured=[TOTE], placed=_when(20, 4))
    guest = OrderFactory(user=CustomerFactory(), configured=[TOTE], placed=_when(21, 4))
    Order.objects.filter(pk=guest.pk).update(user=None)

    assert_equals_raw(PAGE)  # Ben's stocked item (12 April), Nia's totes and a guest's, read raw on top
    at_risk = next(r for r in rollups.contributions(PAGE, by="segment") if r.key == Segment.AT_RISK)
    assert (at_risk.customers, at_risk.orders) == (1, 2)


def test_a_night_refreshes_the_customers_it_touched_and_equals_a_whole_sum(shop, monkeypatch):
    rollup.roll_up(full=True, through=date(2021, 4, 9))
    asked = []
    real = rollup_window.refresh

    def spying(through, **kwargs):
        asked.append(kwargs["touched"])
        return real(through, **kwargs)

    monkeypatch.setattr(rollup_window, "refresh", spying)

    rollup.roll_up(through=date(2021, 4, 12))  # Ben's two orders
    monkeypatch.setattr(rollup_window, "refresh", real)

    assert asked == [{shop.ben.pk}]
    incremental = window_rows()
    rollup_window.refresh(date(2021, 4, 12), alias="default")  # whole
    assert window_rows() == incremental
    assert_equals_raw(Period(date(2021, 4, 12) - timedelta(days=363), PERIOD.end))


def test_a_customer_whose_days_leave_the_window_leaves_it(shop):
    rollup.roll_up(full=True, through=THROUGH)
    later = date(2022, 3, 5)  # a year after Ada's order of 3 March 2021

    rollup.roll_up(through=later)

    assert set(CustomerContribution.objects.filter(days=YEAR).values_list("user_id", flat=True)) == {shop.ben.pk}
    incremental = window_rows()
    rollup_window.refresh(later, alias="default")
    assert window_rows() == incremental
    assert_equals_raw(Period(later - timedelta(days=363), later))


def test_a_late_refund_is_in_the_window_after_the_next_night(shop):
    rollup.roll_up(full=True, through=THROUGH)
    Source.objects.get(order=shop.second).refund(D("12.00"), reference="late")

    assert rollup.roll_up(through=THROUGH).days == 1

    assert ContributionWindow.objects.get(days=YEAR).valid
    assert CustomerContribution.objects.get(days=YEAR, user=shop.ben).refunds == D("10.00")
    assert_equals_raw(PAGE)


def test_a_window_a_rebuild_made_stale_is_not_read(shop, monkeypatch):
    rollup.roll_up(full=True, through=THROUGH)
    CustomerContribution.objects.filter(user=shop.ada).update(refunds=D("1000"))

    def failing(*args, **kwargs):
        raise DatabaseError("the window's refresh failed")

    monkeypatch.setattr(rollup_window, "refresh", failing)
    rollup.roll_up(through=THROUGH, since=date(2021, 3, 3))

    assert not ContributionWindow.objects.get(days=YEAR).valid
    assert_equals_raw(PAGE)  # from the daily roll-ups: Ada's refunds are her 20.00
    monkeypatch.undo()
    rollup.roll_up(through=THROUGH)  # the next night sums it whole again
    assert ContributionWindow.objects.get(days=YEAR).valid
    assert CustomerContribution.objects.get(days=YEAR, user=shop.ada).refunds == D("20.00")


def _summary_indexes():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = ANY(%s)",
            [[model._meta.db_table for model in rollup.SUMMARIES]],
        )
        return {row[0] for row in cursor.fetchall()}


def test_a_full_build_builds_its_indexes_again_and_a_killed_one_is_mended_by_the_next_run(shop):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("a full build drops and builds indexes on PostgreSQL only")
    before = _summary_indexes()
    assert {"analytics_contribution_day", "analytics_contribution_user", "analytics_option_day"} <= before

    rollup.roll_up(full=True, through=THROUGH)
    assert _summary_indexes() == before
    with connection.cursor() as cursor:  # as a full build killed between dropping and building them leaves it
        cursor.execute("DROP INDEX analytics_contribution_user")
        cursor.execute("DROP INDEX analytics_option_day")

    rollup.roll_up(through=THROUGH)

    assert _summary_indexes() == before
    assert_equals_raw(PAGE)


def test_the_last_30_days_are_a_window_of_their_own(shop):
    rollup.roll_up(full=True, through=THROUGH)
    month = ContributionWindow.objects.get(days=rollup_window.MONTH_DAYS)
    last_30_days = Period(THROUGH - timedelta(days=28), THROUGH + timedelta(days=1))  # as the page asks on 11 April

    assert (month.start, month.through, month.valid) == (last_30_days.start, THROUGH, True)
    # Ben's totes of 10 April; Ada's order of 3 March is before it.
    assert set(CustomerContribution.objects.filter(days=month.days).values_list("user_id", flat=True)) == {shop.ben.pk}
    assert_equals_raw(last_30_days)
    CustomerContribution.objects.filter(days=month.days, user=shop.ben).update(refunds=D("1000"))
    ben = next(r for r in rollups.contributions(last_30_days) if r.key == shop.ben.pk)
    assert ben.refunds == D("1000.00")  # what only the 30-day window says: the page read it


def test_a_night_moves_the_groups_by_the_difference_and_equals_a_whole_sum(shop, monkeypatch):
    rollup.roll_up(full=True, through=date(2021, 4, 9))
    # A new segment for Ada, who orders nothing more; a guest's order and Ben's two.
    LoyaltyAccount.objects.filter(user=shop.ada).update(segment=Segment.CHAMPIONS)
    guest = OrderFactory(user=CustomerFactory(), configured=[TOTE], placed=_when(11, 4))
    Order.objects.filter(pk=guest.pk).update(user=None)
    whole = []
    real = rollup_window._sum_whole
    monkeypatch.setattr(rollup_window, "_sum_whole", lambda cursor, tables, days, *rest: whole.append(days))

    rollup.roll_up(through=date(2021, 4, 12))
    monkeypatch.setattr(rollup_window, "_sum_whole", real)

    assert whole == []  # neither window summed whole
    champions = GroupContribution.objects.get(days=YEAR, segment=Segment.CHAMPIONS)
    assert (champions.customers, champions.orders) == (1, 1)
    assert not GroupContribution.objects.filter(days=YEAR, segment=Segment.LOYAL).exists()
    incremental = window_rows()
    rollup_window.refresh(date(2021, 4, 12), alias="default")  # whole
    assert window_rows() == incremental
    assert_equals_raw(Period(date(2021, 4, 12) - timedelta(days=363), date(2021, 4, 13)))
    assert_equals_raw(Period(date(2021, 4, 12) - timedelta(days=28), date(2021, 4, 13)))


def test_a_window_moving_a_month_a_night_equals_a_whole_sum(shop):
    rollup.roll_up(full=True, through=date(2021, 3, 5))
    for through in (date(2021, 4, 1), date(2021, 4, 11), date(2021, 4, 30)):  # Ada's order leaves the 30 days
        rollup.roll_up(through=through)
        incremental = window_rows()
        rollup_window.refresh(through, alias="default")
        assert window_rows() == incremental
    assert set(
        CustomerContribution.objects.filter(days=rollup_window.MONTH_DAYS).values_list("user_id", flat=True)
    ) == {shop.ben.pk}
