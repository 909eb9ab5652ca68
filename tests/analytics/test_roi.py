"""Campaign and promotion ROI (analytics.selectors.roi) on the hand-built shop of roi_shop.py:
every figure to the penny against the arithmetic written there."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from analytics.selectors import roi
from analytics.selectors.margins import Period
from loyalty.models import Segment
from tests.analytics.roi_shop import PERIOD, build_roi_shop, when
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    return build_roi_shop()


def only(promotions, name):
    return next(p for p in promotions if p.name == name)


def test_a_reminder_against_its_hold_out_to_the_penny(shop):
    [win_back] = roi.reminder_roi(PERIOD)
    row = win_back.figures

    assert win_back.name == "Lapsed customer win-back"
    assert row.shown_control == roi.HOLD_OUT
    assert (row.treated, row.treated_buyers, row.treated_orders, row.treated_margin) == (3, 2, 2, Decimal("80.00"))
    assert (row.control, row.control_buyers, row.control_margin) == (2, 1, Decimal("25.35"))
    assert (row.treated_rate, row.control_rate) == (Decimal("66.7"), Decimal("50.0"))
    assert (row.treated_per_customer, row.control_per_customer) == (Decimal("26.67"), Decimal("12.68"))
    assert row.incremental == Decimal("41.98")  # 80.00 − 25.35 × 3 / 2 = 41.975
    assert row.cost == Decimal("10.00")  # the voucher Tia used on the order credited to the reminder
    assert row.net == Decimal("41.98")  # the voucher is already off her order's contribution
    assert row.roi == Decimal("419.8")


def test_an_order_past_the_window_is_not_the_reminders_and_a_longer_window_takes_it(shop):
    [seven] = roi.reminder_roi(PERIOD)
    [thirty] = roi.reminder_roi(PERIOD, window_days=30)

    assert shop.orders["tom-late"].pk not in {pk for unit in seven.units for pk in unit.orders}
    assert thirty.figures.treated_margin == Decimal("110.00")  # + Tom's 20 March order, 40.00 − 10.00
    assert thirty.figures.incremental == Decimal("71.98")


def test_the_reminder_by_segment_and_by_season(shop):
    [win_back] = roi.reminder_roi(PERIOD)

    segments = {row.key: row for row in win_back.by_segment}
    loyal, at_risk = segments[Segment.LOYAL], segments[Segment.AT_RISK]
    # Loyal: Tia 50.00 and Tom 30.00 reminded, Hal 25.35 held out: 80.00 − 25.35 × 2 = 29.30.
    assert (loyal.treated, loyal.control, loyal.incremental) == (2, 1, Decimal("29.30"))
    # At risk: Tess reminded, Hana held out, neither bought.
    assert (at_risk.treated, at_risk.control, at_risk.incremental) == (1, 1, Decimal("0.00"))
    assert [(row.label, row.treated) for row in win_back.by_season] == [("Spring 2022", 3)]


def test_a_segment_filter_keeps_that_segments_customers(shop):
    [win_back] = roi.reminder_roi(PERIOD, segment=Segment.AT_RISK)

    assert (win_back.figures.treated, win_back.figures.control) == (1, 1)
    assert roi.offer_roi(PERIOD, segment=Segment.AT_RISK) == []


def test_a_campaigns_points_are_a_liability_at_the_point_value(shop):
    [may] = roi.campaign_roi(PERIOD)
    row = may.figures

    assert may.detail == "×2 points, +100 points an order, on Bag (ROI test), 01 May 2022 to 31 May 2022"
    assert row.shown_control == roi.MATCHED
    assert (row.treated, row.control, row.promoted_orders) == (1, 1, 1)
    assert row.cost == Decimal("2.20")  # 100 + 120.00 × 1 × (2 − 1) = 220 points at 0.01
    assert row.incremental == Decimal("20.00")  # Kit 40.00 − Kip 20.00
    assert row.net == Decimal("17.80")
    assert row.roi == Decimal("809.1")


def test_a_campaign_for_other_value_classes_has_no_treated_customer(shop):
    shop.campaign.value_classes = "premium"
    shop.campaign.save()

    [may] = roi.campaign_roi(PERIOD)

    assert (may.figures.treated, may.figures.control, may.figures.cost) == (0, 0, Decimal("0.00"))
    assert may.figures.incremental is None


def test_an_offers_discount_is_netted_against_its_matched_control(shop):
    bag_offer = only(roi.offer_roi(PERIOD), "Bag offer")
    row = bag_offer.figures

    assert row.shown_control == roi.MATCHED
    assert (row.treated, row.control, row.matched) == (1, 2, 1)  # Ari, At risk, is nobody's control
    assert row.promoted_margin == Decimal("50.00")  # after its 20.00 off
    assert row.cost == Decimal("20.00")  # excl. tax: 24.00 off at the order's ratio
    assert row.incremental == row.net == Decimal("32.50")  # 50.00 − (30.00 + 5.00) / 2
    assert row.roi == Decimal("162.5")
    # Ari's segment had nobody with the offer: not a row of its own.
    assert [(r.label, r.incremental) for r in bag_offer.by_segment] == [("Loyal (major)", Decimal("32.50"))]


def test_a_voucher_with_no_control_shows_its_gross_figure_and_no_lift(shop):
    voucher = only(roi.offer_roi(PERIOD), "Voucher SPRING10")
    row = voucher.figures

    assert row.shown_control == roi.NO_CONTROL
    assert (row.treated, row.control, row.matched) == (1, 0, 0)
    assert (row.promoted_margin, row.cost) == (Decimal("50.00"), Decimal("10.00"))
    assert row.incremental is None and row.net is None and row.roi is None


def test_the_orders_behind_a_figure_are_its_treated_then_its_control(shop):
    bag_offer = only(roi.offer_roi(PERIOD), "Bag offer")

    rows = roi.orders_behind(bag_offer)

    assert [(r.number, r.group, r.promoted, r.margin) for r in rows] == [
        (shop.orders["vic"].number, "treated", True, Decimal("50.00")),
        (shop.orders["cleo"].number, "control", False, Decimal("5.00")),
        (shop.orders["cy"].number, "control", False, Decimal("30.00")),
    ]  # not Ari's: nobody of her segment had the offer, she is nobody's control


def test_a_period_with_nothing_has_no_promotions(shop):
    empty = Period(date(2023, 1, 1), date(2023, 1, 31))

    assert roi.reminder_roi(empty) == roi.campaign_roi(empty) == roi.offer_roi(empty) == []


def test_seasons_are_meteorological():
    assert roi.Season.of(date(2021, 12, 1)).label == "Winter 2021/22"
    assert roi.Season.of(date(2022, 2, 28)).label == "Winter 2021/22"
    assert roi.Season.of(date(2022, 3, 1)).label == "Spring 2022"
    assert roi.Season.of(date(2022, 8, 31)).label == "Summer 2022"
    assert roi.Season.of(date(2022, 11, 30)).label == "Autumn 2022"


def test_the_queries_do_not_grow_with_the_orders(shop):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            for kind in roi.KINDS:
                roi.roi(kind, PERIOD)
        return len(captured)

    before = queries()
    for who, day in (("Tia", 4), ("Tom", 6), ("Cy", 10), ("Kip", 20)):
        OrderFactory(user=shop.people[who], placed=when(3 if day < 10 else 4 if day == 10 else 5, day))

    assert queries() == before == 25  # per kind: its promotions, the orders, five for the contributions, …
