"""The promise page (/dashboard/analytics/promises/) and its drill-down on the hand-built shop of
tests/analytics/cohort_shop.py, seen on 1 March 2021: who may open them, on-time by month and by
family, a family-month's late orders, bad input answered with a message, CSV downloads safe from
formulas, and a bounded number of queries."""

import pytest

from tests.analytics.cohort_shop import ON_1_MARCH, PROMISES, build_cohort_shop
from tests.analytics.pages import MERCHANDISER, PLANNER, SHOPPER, rows_of
from tests.helpers import access_answer

pytestmark = pytest.mark.django_db

PAGE, DRILL = "/dashboard/analytics/promises/", "/dashboard/analytics/promises/orders/"
FILTERS = {"start": PROMISES.start.isoformat(), "end": PROMISES.end.isoformat()}


@pytest.fixture
def shop(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: ON_1_MARCH)
    return build_cohort_shop()


@pytest.mark.parametrize(
    ("who", "expected"), [(MERCHANDISER, "ok"), (PLANNER, "forbidden"), (SHOPPER, "forbidden"), (None, "login")]
)
@pytest.mark.parametrize("path", [PAGE, f"{DRILL}?which=late", f"{PAGE}?csv=months"])
def test_only_whom_may_view_analytics_opens_the_promises(client, login, who, expected, path):
    if who:
        login(who)

    assert access_answer(client.get(path)) == expected


def test_the_page_shows_on_time_by_month_and_family_with_the_late_counts_as_links(login, shop):
    html = login(MERCHANDISER).get(PAGE, FILTERS).content.decode()

    assert "40.0% (2 of 5 due)" in html
    assert "3 orders, 1 not shipped yet" in html
    for table in ("months", "families", "lateness"):
        assert f'data-table="{table}"' in html
    assert html.count('role="img"') == 2
    assert "<title>Shipped on time, by the month promised</title>" in html
    assert ">33.3%</text>" in html  # February's column
    assert "February 2021: the 2 late orders" in html
    assert "month=2021-02&amp;which=late" in html


def test_a_family_month_late_count_opens_its_late_orders(login, shop):
    client = login(MERCHANDISER)
    page = client.get(PAGE, {**FILTERS, "family": "printed-tote"}).content.decode()
    assert "family=printed-tote&amp;segment=&amp;month=2021-02&amp;which=late" in page

    html = client.get(DRILL, {**FILTERS, "family": "printed-tote", "month": "2021-02", "which": "late"})
    html = html.content.decode()

    assert "Late orders, promised February 2021" in html
    assert shop.orders["finn-feb"].number in html and "Not shipped" in html
    assert shop.orders["cora-feb"].number not in html  # a tee


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({**FILTERS, "month": "February"}, "Enter a month as YYYY-MM."),
        ({**FILTERS, "month": "2021-13"}, "Enter a month as YYYY-MM."),
        ({**FILTERS, "which": "everything"}, "Select a valid choice."),
    ],
)
def test_a_drill_down_that_is_not_one_gets_a_message_and_every_late_order(login, shop, query, message):
    response = login(MERCHANDISER).get(DRILL, query)

    assert response.status_code == 200
    html = response.content.decode()
    assert message in html and "Showing every late order." in html
    assert shop.orders["dev-jan"].number in html


def test_a_bad_period_gets_a_message_not_an_error(login):
    response = login(MERCHANDISER).get(PAGE, {"start": "yesterday", "end": "2021-02-28"})

    assert response.status_code == 200
    assert "Enter a valid date. Showing the last 12 months instead." in response.content.decode()


def test_each_table_downloads_as_csv_and_formulas_stay_text(login, shop):
    shop.people["Finn"].__class__.objects.filter(pk=shop.people["Finn"].pk).update(email="=1+2@example.com")
    client = login(MERCHANDISER)

    months = rows_of(client.get(PAGE, {**FILTERS, "csv": "months"}))
    late = rows_of(client.get(DRILL, {**FILTERS, "which": "late", "csv": "orders"}))

    assert months[0][:6] == ["month_promised", "due", "on_time", "late_shipped", "late_not_shipped", "on_time_pct"]
    assert months[2][:7] == ["2021-02", "3", "1", "1", "1", "33.3", "0"]
    assert [row[0] for row in late[1:]] == [shop.orders[k].number for k in ("cora-feb", "finn-feb", "dev-jan")]
    assert late[2][2:] == ["'=1+2@example.com", "2021-02-21", "", "8"]


def test_the_page_takes_a_bounded_number_of_queries(login, shop, django_assert_max_num_queries):
    client = login(MERCHANDISER)
    with django_assert_max_num_queries(13):
        assert client.get(PAGE, FILTERS).status_code == 200
