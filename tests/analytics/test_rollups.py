"""The margin roll-ups (analytics/rollup.py) against the raw selectors, to the penny, on the
hand-built shop (tests/analytics/margin_shop.py): before any roll-up (days read raw), after a full
build, after an incremental one, after a late refund or actual labour, run twice, with a bad day."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from oscar.core.loading import get_model

from analytics import rollup, rollup_sql, tasks
from analytics.models import ContributionDay, FamilyMarginDay, LineCost, OptionMarginDay, RollupDay, RollupRun
from analytics.selectors import margins, rollups
from analytics.selectors.margins import Period
from tests.analytics.margin_shop import PERIOD, _when, build_shop
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db
Source = get_model("payment", "Source")
D = Decimal
BEFORE_FIRST_ORDER = Period(date(2021, 3, 1), date(2021, 3, 2))  # the shop's first order is on 3 March


@pytest.fixture
def shop():
    return build_shop()


def margin_table(rows):
    return [(r.key, r.label, r.lines, r.revenue, r.cost, r.margin, r.margin_pct, r.unknown_lines, r.unknown_revenue)
            for r in rows]  # fmt: skip


def option_table(rows):
    return [(r.family_slug, r.family, r.option, r.option_name, r.value, r.value_text, r.lines, r.revenue, r.cost,
             r.margin, r.margin_pct) for r in rows]  # fmt: skip


def contribution_table(rows):
    return [(r.key, r.label, r.orders, r.customers, r.revenue, r.cost, r.discounts, r.points, r.refunds, r.remakes,
             r.contribution, r.unknown_lines, r.remakes_unknown, r.extra) for r in rows]  # fmt: skip


def every_figure(module, period=PERIOD, family=None):
    return {
        "families": margin_table(module.margin_by_family(period, family=family)),
        "months": margin_table(module.margin_by_month(period, family=family)),
        "options": option_table(module.margin_by_option(period, family=family)),
        **{
            by: contribution_table(module.contributions(period, by=by, family=family))
            for by in ("customer", "segment", "tier")
        },
    }


def assert_rolled_equals_raw(period=PERIOD):
    for family in (None, "printed-tote", "stocked"):
        raw = every_figure(margins, period, family)
        assert raw["families"], "the shop has figures to compare"
        assert every_figure(rollups, period, family) == raw


def table_rows():
    return (
        sorted(
            FamilyMarginDay.objects.values_list(
                "day", "family_key", "lines", "revenue", "cost", "unknown_lines", "unknown_revenue"
            )
        ),
        sorted(
            OptionMarginDay.objects.values_list("day", "family_slug", "option", "value", "lines", "revenue", "cost")
        ),
        sorted(
            ContributionDay.objects.values_list(
                "day",
                "user_id",
                "orders",
                "revenue",
                "paid",
                "cost",
                "unknown_lines",
                "points",
                "refunds",
                "remakes",
                "remakes_unknown",
            ),
            key=str,
        ),
    )


def test_before_any_roll_up_the_pages_read_raw_orders_and_agree(shop):
    assert rollups.unbuilt_ranges(PERIOD) == [PERIOD]
    assert_rolled_equals_raw()


def test_after_a_full_build_every_figure_equals_the_raw_computation_to_the_penny(shop):
    result = rollup.roll_up(full=True)

    assert result.failed == []
    # Read from the summary tables, but for the days before the first order (nothing to read).
    assert rollups.unbuilt_ranges(PERIOD) == [BEFORE_FIRST_ORDER]
    assert FamilyMarginDay.objects.filter(day=date(2021, 3, 3), family_key="printed-tote").get().lines == 1
    assert_rolled_equals_raw()
    # The figures the hand-built shop promises (tests/analytics/test_margins.py), from the roll-ups.
    ada = next(r for r in rollups.contributions(PERIOD) if r.key == shop.ada.pk)
    assert (ada.revenue, ada.cost, ada.discounts, ada.points, ada.refunds, ada.remakes, ada.contribution) == (
        D("200.00"), D("97.00"), D("5.00"), D("15.00"), D("20.00"), D("19.40"), D("43.60"),
    )  # fmt: skip


def test_today_is_read_raw_on_top_of_the_roll_ups(shop):
    rollup.roll_up(full=True)
    today = timezone.localdate()
    OrderFactory(user=shop.ben, configured=[("printed-tote", {"ink": "clay", "sides": "both"}, 2)])
    period = Period(PERIOD.start, today)

    assert rollups.unbuilt_ranges(period) == [BEFORE_FIRST_ORDER, Period(today, today)]
    assert_rolled_equals_raw(period)


def test_an_incremental_build_equals_a_full_one(shop):
    rollup.roll_up()  # the first run: every day unbuilt
    incremental = table_rows()
    rollup.roll_up(full=True)

    assert table_rows() == incremental
    assert incremental[0]


def test_running_it_again_changes_nothing_and_rebuilds_no_day(shop):
    rollup.roll_up(full=True)
    before = table_rows()

    again = rollup.roll_up()

    assert again.days == 0
    assert table_rows() == before
    rollup.roll_up(full=True)
    assert table_rows() == before
    assert RollupRun.objects.filter(finished_at__isnull=False).count() == 3


def test_a_late_refund_re_rolls_its_day_the_next_night(shop):
    rollup.roll_up(full=True)
    source = Source.objects.get(order=shop.second)
    source.refund(D("12.00"), reference="late")  # 10.00 excl. tax, recorded as a transaction today

    ben = next(r for r in rollups.contributions(PERIOD) if r.key == shop.ben.pk)
    assert ben.refunds == D("0.00")  # the roll-up is as of last night
    assert next(r for r in margins.contributions(PERIOD) if r.key == shop.ben.pk).refunds == D("10.00")

    result = rollup.roll_up()

    assert result.days == 1
    assert RollupDay.objects.get(day=date(2021, 4, 10)).built_at > RollupDay.objects.get(day=date(2021, 3, 3)).built_at
    assert_rolled_equals_raw()


def test_actual_labour_recorded_late_reaches_its_old_day(shop):
    rollup.roll_up(full=True)
    LineCost.objects.filter(order=shop.second).update(
        actual_labour_per_unit=D("3.10"), actual_recorded_at=timezone.now()
    )

    assert rollup.roll_up().days == 1
    tote = next(r for r in rollups.margin_by_family(PERIOD) if r.key == "printed-tote")
    assert tote.cost == D("97.00") + D("103.00")  # 10 bags at 7.20 + 3.10
    assert_rolled_equals_raw()


def test_since_rebuilds_every_day_from_a_date(shop):
    rollup.roll_up(full=True)
    through = timezone.localdate() - timedelta(days=1)

    result = rollup.roll_up(since=date(2021, 4, 1))

    assert result.days == (through - date(2021, 4, 1)).days + 1


BAD_DAY = date(2021, 4, 10)


def fail_the_family_statement_on_bad_day(monkeypatch):
    """The family statement of any rebuild that reaches BAD_DAY fails, as a bad row would make it."""
    real = rollup_sql.family_margins

    def failing(period, alias):
        if period.start <= BAD_DAY <= period.end:
            return "SELECT no_such_column FROM no_such_table", []
        return real(period, alias)

    monkeypatch.setattr(rollup_sql, "family_margins", failing)


def test_one_bad_day_is_left_to_the_raw_pages_and_the_others_are_built(shop, monkeypatch):
    fail_the_family_statement_on_bad_day(monkeypatch)
    result = rollup.roll_up(full=True)
    monkeypatch.undo()

    assert result.failed == ["2021-04-10"]
    assert not RollupDay.objects.filter(day=date(2021, 4, 10)).exists()
    assert RollupDay.objects.filter(day=date(2021, 4, 11)).exists()
    assert rollups.unbuilt_ranges(PERIOD) == [BEFORE_FIRST_ORDER, Period(date(2021, 4, 10), date(2021, 4, 10))]
    assert_rolled_equals_raw()
    # The next night builds it.
    assert rollup.roll_up().days == 1
    assert rollups.unbuilt_ranges(PERIOD) == [BEFORE_FIRST_ORDER]


def test_a_bad_day_in_a_full_build_costs_a_few_dozen_rebuilds_not_one_a_day(shop, monkeypatch):
    real_rebuild = rollup.rebuild
    periods = []

    def counted(period, **kwargs):
        periods.append(period)
        return real_rebuild(period, **kwargs)

    fail_the_family_statement_on_bad_day(monkeypatch)
    monkeypatch.setattr(rollup, "rebuild", counted)
    result = rollup.roll_up(full=True)

    days = (rollup.yesterday() - date(2021, 3, 3)).days + 1
    assert result.failed == ["2021-04-10"] and result.days == days - 1
    # The whole, then month by month, then the failing month's days: never one rebuild a day.
    single_days = [p for p in periods[1:] if p.start == p.end]
    assert len(single_days) <= rollup.CHUNK_DAYS
    assert len(periods) <= 1 + days // rollup.CHUNK_DAYS + 1 + rollup.CHUNK_DAYS


def test_a_nightly_run_tries_a_failing_month_day_by_day_and_the_bad_day_keeps_its_last_build(shop, monkeypatch):
    rollup.roll_up(full=True)
    fail_the_family_statement_on_bad_day(monkeypatch)
    started = timezone.now()
    result = rollup.roll_up(since=date(2021, 4, 1))
    monkeypatch.undo()

    assert result.failed == ["2021-04-10"]
    # Its rebuild was rolled back whole: its rows and the mark of its last build stay, consistent
    # with the windows summed from them; its neighbours were rebuilt by this run.
    assert RollupDay.objects.filter(day=BAD_DAY, built_at__lt=started).exists()
    assert RollupDay.objects.filter(day__in=[date(2021, 4, 9), date(2021, 4, 11)], built_at__gte=started).count() == 2
    assert_rolled_equals_raw()


def test_the_command_builds_and_says_how_much(shop, capsys):
    call_command("analytics_rollup", "--full", "--no-progress")

    out = capsys.readouterr().out
    assert " day(s) rolled up in " in out
    assert RollupDay.objects.filter(day=date(2021, 3, 3)).exists()
    with pytest.raises(CommandError, match="--since wants a date as YYYY-MM-DD, not '3 March'"):
        call_command("analytics_rollup", "--since", "3 March")


def test_the_nightly_task_rolls_up(shop):
    assert tasks.roll_up_margins.delay().get()["failed"] == []
    assert RollupDay.objects.filter(day=date(2021, 4, 12)).exists()


def test_an_order_placed_yesterday_is_built_by_the_next_run(shop):
    rollup.roll_up(full=True)
    yesterday = timezone.localdate() - timedelta(days=1)
    RollupDay.objects.filter(day=yesterday).delete()  # as if last night's run was before it
    OrderFactory(user=shop.ada, configured=[("printed-tote", {"ink": "clay", "sides": "both"}, 3)],
                 placed=_when(1, 1).replace(year=yesterday.year, month=yesterday.month, day=yesterday.day))  # fmt: skip

    assert rollup.roll_up().days == 1
    assert_rolled_equals_raw(Period(PERIOD.start, yesterday))


def test_the_page_asks_the_database_for_the_lowest_contributions_only_and_gets_the_raw_ones(shop):
    rollup.roll_up(full=True)
    raw = contribution_table(margins.contributions(PERIOD))

    assert contribution_table(rollups.contributions(PERIOD, lowest=1)) == raw[:1]
    assert contribution_table(rollups.contributions(PERIOD, lowest=50)) == raw


def test_the_margin_page_serves_the_roll_ups(shop, client):
    from django.contrib.auth import get_user_model

    rollup.roll_up(full=True)
    FamilyMarginDay.objects.filter(day=date(2021, 3, 3)).update(revenue=D("1000.00"))  # what only the roll-up says
    staff = get_user_model().objects.create_superuser(email="rollup-staff@example.com", password="not-used-here")
    client.force_login(staff)

    response = client.get(
        "/dashboard/analytics/margins/", {"start": "2021-03-01", "end": "2021-04-30", "csv": "months"}
    )

    assert response.status_code == 200
    assert "2021-03,1,1000.00," in response.content.decode()
