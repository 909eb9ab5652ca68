"""The cohort page (/dashboard/analytics/cohorts/) and its drill-down on the hand-built shop of
tests/analytics/cohort_shop.py: who may open them, the heat-map triangle and repurchase bars, bad
filters answered with a message, CSV downloads safe from formulas, and a bounded number of queries."""

from datetime import date

import pytest

from loyalty.models import TierChange
from tests.analytics.cohort_shop import COHORTS, build_cohort_shop
from tests.analytics.pages import ADMIN, MERCHANDISER, PLANNER, SHOPPER, rows_of
from tests.helpers import access_answer

pytestmark = pytest.mark.django_db

PAGE, DRILL = "/dashboard/analytics/cohorts/", "/dashboard/analytics/cohorts/orders/"
FILTERS = {"start": COHORTS.start.isoformat(), "end": COHORTS.end.isoformat()}


@pytest.fixture
def shop():
    return build_cohort_shop()


@pytest.mark.parametrize(
    ("who", "expected"),
    [(MERCHANDISER, "ok"), (ADMIN, "ok"), (PLANNER, "forbidden"), (SHOPPER, "forbidden"), (None, "login")],
)
@pytest.mark.parametrize("path", [PAGE, f"{DRILL}?cohort=2021-01&offset=1", f"{PAGE}?csv=triangle"])
def test_only_whom_may_view_analytics_opens_the_cohorts(client, login, who, expected, path):
    if who:
        login(who)

    assert access_answer(client.get(path)) == expected


def test_the_menu_offers_the_cohorts_and_the_promises_to_the_merchandiser_alone(login):
    assert PAGE in login(MERCHANDISER).get("/dashboard/").content.decode()
    assert "/dashboard/analytics/promises/" in login(MERCHANDISER).get("/dashboard/").content.decode()
    assert PAGE not in login(PLANNER).get("/dashboard/").content.decode()


def test_the_triangle_is_a_heat_map_whose_cells_say_their_figure_and_open_their_orders(login, shop):
    html = login(MERCHANDISER).get(PAGE, FILTERS).content.decode()

    assert 'data-table="triangle"' in html
    assert 'class="num shade-3" data-cell="2021-01+1"' in html  # 50 %
    assert 'class="num shade-0" data-cell="2021-01+2"' in html  # no one
    assert "January 2021, 1 month on: 1 of 2, 50.0%" in html
    assert "50.0%<br><small>(1)</small>" in html and "33.3%<br><small>(1)</small>" in html
    assert "?start=2021-01-01&amp;end=2021-02-28&amp;family=&amp;segment=&amp;cohort=2021-01&amp;offset=1" in html
    # Two charts (tiers, scores), each with a title and the table as its text.
    assert html.count('role="img"') == 2
    assert "<title>Bought again within 90 days, by tier on the day of the first order</title>" in html
    assert "100.0% (2 of 2)" in html  # Silver: Cora and Finn


def test_a_cell_opens_the_orders_it_counts(login, shop):
    response = login(MERCHANDISER).get(DRILL, {**FILTERS, "cohort": "2021-01", "offset": "1"})

    html = response.content.decode()
    assert "First ordered in January 2021: their orders in February 2021" in html
    assert shop.orders["cora-feb"].number in html
    assert shop.orders["finn-feb"].number not in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"start": "2021-13-01", "end": "2021-02-28"}, "Enter a valid date."),
        ({"start": "2021-03-01", "end": "2021-02-28"}, "The period ends before it starts."),
        ({**FILTERS, "family": "no-such-family"}, "Select a valid choice."),
        ({**FILTERS, "segment": "<script>"}, "Select a valid choice."),
    ],
)
def test_bad_filters_get_a_message_and_the_last_12_months(login, query, message):
    response = login(MERCHANDISER).get(PAGE, query)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert "Showing the last 12 months instead." in response.content.decode()


BAD_CELLS = [
    {"cohort": "2021-1x", "offset": "1"},
    {"cohort": "2021-00", "offset": "1"},
    {"cohort": "2021-01", "offset": "13"},
    {"cohort": "2021-01", "offset": "-1"},
    {},
]


@pytest.mark.parametrize("cell", BAD_CELLS)
def test_a_cell_that_is_not_one_gets_a_message_not_an_error(login, shop, cell):
    response = login(MERCHANDISER).get(DRILL, {**FILTERS, **cell})

    assert response.status_code == 200
    assert "Choose a cell of the triangle." in response.content.decode()
    assert "No order behind this cell." in response.content.decode()


def test_each_table_downloads_as_csv(login, shop):
    client = login(MERCHANDISER)

    triangle = rows_of(client.get(PAGE, {**FILTERS, "csv": "triangle"}))
    tiers = rows_of(client.get(PAGE, {**FILTERS, "csv": "tiers"}))
    scores = rows_of(client.get(PAGE, {**FILTERS, "csv": "scores"}))
    orders = rows_of(client.get(DRILL, {**FILTERS, "cohort": "2021-01", "offset": "5", "csv": "orders"}))

    assert triangle[0][:4] == ["first_order_month", "customers", "month_1_customers", "month_2_customers"]
    assert triangle[1][:8] == ["2021-01", "2", "1", "0", "1", "0", "1", "0"]
    assert triangle[1][14:17] == ["50.0", "0.0", "50.0"]
    assert ["Silver", "2", "2", "100.0", "0"] in tiers
    assert ["No survey answered", "3", "0", "0.0", "0"] in scores
    assert orders[1][0] == shop.orders["dev-jun"].number and orders[1][4] == shop.orders["dev-jan"].number


def test_a_tier_name_that_looks_like_a_formula_stays_text_in_the_csv(login, shop):
    cora = shop.people["Cora"]
    TierChange.objects.filter(user_id=cora.pk).update(from_tier='=HYPERLINK("http://x")')

    tiers = rows_of(login(MERCHANDISER).get(PAGE, {**FILTERS, "csv": "tiers"}))

    assert ['\'=HYPERLINK("http://x")', "1", "1", "100.0", "0"] in tiers


def test_the_page_takes_a_bounded_number_of_queries(login, shop, django_assert_max_num_queries):
    client = login(MERCHANDISER)
    with django_assert_max_num_queries(14):
        assert client.get(PAGE, FILTERS).status_code == 200


def test_months_not_begun_are_blank_cells(login, shop, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: date(2021, 4, 15))

    html = login(MERCHANDISER).get(PAGE, FILTERS).content.decode()

    assert html.count('class="num shade-future"') == 9 + 10
