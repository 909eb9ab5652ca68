"""Margins to the penny on a hand-built shop (tests/analytics/margin_shop.py): by family, option
value and month, the lines whose cost is unknown kept apart, and each customer's contribution
with a discount, points, a refund and a remake taken off, summed by segment and tier."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from analytics.selectors import margins
from analytics.selectors.margins import Period
from configurator.models import ProductFamily
from tests.analytics.margin_shop import PERIOD, build_shop

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def shop():
    return build_shop()


def figures(row):
    return (row.lines, row.revenue, row.cost, row.margin, row.margin_pct, row.unknown_lines, row.unknown_revenue)


def test_margin_by_family_to_the_penny_with_the_unknown_cost_apart(shop):
    rows = {row.key: row for row in margins.margin_by_family(PERIOD)}

    assert set(rows) == {"printed-tote", "stocked"}
    # 180 + 190 paid; 97.00 (actual labour) + 101.50 (planned).
    assert figures(rows["printed-tote"]) == (2, D("370.00"), D("198.50"), D("171.50"), D("46.4"), 0, D("0.00"))
    assert rows["printed-tote"].label == ProductFamily.objects.get(slug="printed-tote").name
    assert rows["stocked"].label == "Stocked goods"
    # Never a zero cost: the stocked item's revenue is shown apart, without a margin.
    assert figures(rows["stocked"]) == (0, D("0.00"), D("0.00"), D("0.00"), None, 1, D("25.00"))


def test_margin_by_month(shop):
    rows = margins.margin_by_month(PERIOD)

    assert [(row.key, row.label) for row in rows] == [
        (date(2021, 3, 1), "March 2021"),
        (date(2021, 4, 1), "April 2021"),
    ]
    assert figures(rows[0]) == (1, D("180.00"), D("97.00"), D("83.00"), D("46.1"), 0, D("0.00"))
    assert figures(rows[1]) == (1, D("190.00"), D("101.50"), D("88.50"), D("46.6"), 1, D("25.00"))


def test_margin_by_option_value_shows_the_choice_that_loses_money_negative(shop):
    rows = margins.margin_by_option(PERIOD)

    table = [(r.option, r.value, r.lines, r.revenue, r.cost, r.margin) for r in rows]
    assert table == [
        ("labour", "", 2, D("0.00"), D("54.50"), D("-54.50")),  # 25.00 actual + 29.50 planned
        ("print_text", "", 2, D("0.00"), D("12.00"), D("-12.00")),  # any text: one row, no customer's words
        ("sides", '"both"', 2, D("80.43"), D("28.00"), D("52.43")),  # 180 x 5/23 + 190 x 5/23
        ("base", "", 2, D("289.57"), D("104.00"), D("185.57")),  # 180 x 18/23 + 190 x 18/23
    ]
    # The rows of a family add up to its margin.
    assert sum(r.margin for r in rows) == D("171.50")
    printed = rows[1]
    assert (printed.option_name, printed.value_text, printed.margin_pct) == ("Your text", "(any text)", None)


def test_the_orders_behind_an_option_value(shop):
    rows = margins.orders_behind_option(PERIOD, family="printed-tote", option="print_text", value="")

    assert [(row.number, row.customer, row.revenue, row.cost, row.margin) for row in rows] == [
        (shop.first.number, shop.ada.email, D("0.00"), D("6.00"), D("-6.00")),
        (shop.second.number, shop.ben.email, D("0.00"), D("6.00"), D("-6.00")),
    ]
    assert margins.orders_behind_option(PERIOD, family="printed-tote", option="sides", value='"none"') == []


def test_a_family_filter_keeps_only_its_lines(shop):
    assert [row.key for row in margins.margin_by_family(PERIOD, family="stocked")] == ["stocked"]
    assert [row.key for row in margins.margin_by_family(PERIOD, family="printed-tote")] == ["printed-tote"]
    assert margins.margin_by_family(Period(date(2021, 3, 1), date(2021, 3, 31)), family="stocked") == []


def contribution_figures(row):
    return (row.orders, row.revenue, row.cost, row.discounts, row.points, row.refunds, row.remakes,
            row.contribution, row.unknown_lines)  # fmt: skip


def test_contribution_per_customer_takes_off_discounts_points_refunds_and_remakes(shop):
    rows = {row.key: row for row in margins.contributions(PERIOD)}

    ada, ben = rows[shop.ada.pk], rows[shop.ben.pk]
    # 200 listed - 97 cost - 5 voucher - 15 points (18.00 incl.) - 20 refunded (24.00 incl.) - 19.40 remake.
    assert contribution_figures(ada) == (
        1, D("200.00"), D("97.00"), D("5.00"), D("15.00"), D("20.00"), D("19.40"), D("43.60"), 0,
    )  # fmt: skip
    # The stocked item's revenue counts; its unknown cost is flagged, not taken as zero.
    assert contribution_figures(ben) == (
        2, D("215.00"), D("101.50"), D("0.00"), D("0.00"), D("0.00"), D("0.00"), D("113.50"), 1,
    )  # fmt: skip
    assert (ada.complete, ben.complete) == (True, False)
    assert ada.label == f"Ada Margin <{shop.ada.email}>"
    assert ada.extra["segment"] == "Loyal (major)"
    # The lowest contribution first: who costs us most.
    assert list(rows) == [shop.ada.pk, shop.ben.pk]


def test_contribution_by_segment_and_tier(shop):
    segments = {row.key: (row.customers, row.contribution) for row in margins.contributions(PERIOD, by="segment")}
    tiers = {row.label: (row.customers, row.contribution) for row in margins.contributions(PERIOD, by="tier")}

    assert segments == {"loyal": (1, D("43.60")), "at_risk": (1, D("113.50"))}
    top = shop.ada.loyalty_account.tier.name
    assert tiers == {top: (1, D("43.60")), "No tier": (1, D("113.50"))}


def test_an_order_cancelled_or_outside_the_period_is_not_counted(shop):
    from oscar.core.loading import get_model

    get_model("order", "Order").objects.filter(pk=shop.second.pk).update(status="Cancelled")

    rows = {row.key: row for row in margins.margin_by_family(PERIOD)}
    assert rows["printed-tote"].revenue == D("180.00")
    assert margins.contributions(Period(date(2021, 5, 1), date(2021, 5, 31))) == []


def test_the_number_of_queries_does_not_grow_with_the_orders(shop):
    def count():
        with CaptureQueriesContext(connection) as queries:
            margins.margin_by_family(PERIOD)
            margins.margin_by_month(PERIOD)
            margins.margin_by_option(PERIOD)
            for by in margins.GROUPS:
                margins.contributions(PERIOD, by=by)
        return len(queries)

    before = count()
    build_shop()  # as many orders again, two more customers
    assert count() == before
    assert before <= 30


def test_a_family_filter_counts_the_orders_with_a_line_of_it_whole_in_the_contributions(shop):
    totes = {row.key: row.contribution for row in margins.contributions(PERIOD, family="printed-tote")}
    # Ada's order whole (its points and refund with it); of Ben's, the totes' order only.
    assert totes == {shop.ada.pk: D("43.60"), shop.ben.pk: D("88.50")}

    rows = {row.key: row for row in margins.contributions(PERIOD, family="stocked")}

    assert list(rows) == [shop.ben.pk]
    assert contribution_figures(rows[shop.ben.pk]) == (
        1, D("25.00"), D("0.00"), D("0.00"), D("0.00"), D("0.00"), D("0.00"), D("25.00"), 1,
    )  # fmt: skip
    assert rows[shop.ben.pk].complete is False


def test_a_repair_counts_like_a_remake_and_a_remake_of_an_uncosted_line_is_flagged(shop):
    from django.utils import timezone

    from production.models import Plant, WorkOrder

    line = shop.second.lines.get()
    WorkOrder.objects.create(
        order=shop.second, line=line, kind=WorkOrder.REPAIR, remake_key="test:margins:repair",
        plant=Plant.objects.first(), family_slug="printed-tote", title=line.title, quantity=1,
        released_at=timezone.now(), due_at=timezone.now(),
    )  # fmt: skip
    ben = {row.key: row for row in margins.contributions(PERIOD)}[shop.ben.pk]
    assert (ben.remakes, ben.contribution) == (D("10.15"), D("103.35"))  # one bag at 7.20 + 2.95 planned

    line.cost.delete()  # Ben's totes lose their cost: the repair's cost is unknown too

    ben = {row.key: row for row in margins.contributions(PERIOD)}[shop.ben.pk]

    assert (ben.remakes, ben.remakes_unknown, ben.unknown_lines, ben.complete) == (D("0.00"), 1, 2, False)
