"""The margin dashboard (/dashboard/analytics/margins/): who may open it, what it shows for the
hand-built shop, its drill-down to the orders behind an option value, and its CSV downloads
(safe from formulas)."""

import pytest
from django.contrib.auth.models import Permission

from portal import dashboard_access
from tests.analytics.margin_shop import PERIOD, build_shop
from tests.analytics.pages import ADMIN, MERCHANDISER, PLANNER, SHOPPER, rows_of
from tests.factories import CustomerFactory, StaffFactory
from tests.helpers import access_answer

pytestmark = pytest.mark.django_db

PAGE, DRILL = "/dashboard/analytics/margins/", "/dashboard/analytics/margins/option/"
FILTERS = {"start": PERIOD.start.isoformat(), "end": PERIOD.end.isoformat()}


@pytest.fixture
def shop():
    return build_shop()


@pytest.mark.parametrize(
    ("who", "expected"),
    [(MERCHANDISER, "ok"), (ADMIN, "ok"), (PLANNER, "forbidden"), (SHOPPER, "forbidden"), (None, "login")],
)
@pytest.mark.parametrize("path", [PAGE, DRILL, f"{PAGE}?csv=customers"])
def test_only_whom_may_view_analytics_opens_the_margins(client, login, who, expected, path):
    if who:
        login(who)

    assert access_answer(client.get(path)) == expected


@pytest.mark.parametrize(("is_staff", "holds", "expected"), [(True, True, "ok"), (True, False, "forbidden"),
                                                              (False, True, "forbidden")])  # fmt: skip
def test_the_permission_and_being_staff_both_count_and_the_menu_agrees(client, django_user_model, is_staff, holds,
                                                                       expected):  # fmt: skip
    person = StaffFactory() if is_staff else CustomerFactory()
    if holds:
        person.user_permissions.add(Permission.objects.get(codename="view_analytics"))
    person = django_user_model.objects.get(pk=person.pk)
    client.force_login(person)

    assert access_answer(client.get(PAGE)) == expected
    assert dashboard_access.may_open_url(person, PAGE) is (expected == "ok")
    if is_staff:
        assert (PAGE in client.get("/dashboard/").content.decode()) is (expected == "ok")


def test_the_page_shows_each_breakdown_with_the_losing_option_negative(login, shop):
    response = login(MERCHANDISER).get(PAGE, FILTERS)

    assert response.status_code == 200
    html = response.content.decode()
    for table in ("families", "options", "months", "customers", "segments", "tiers"):
        assert f'data-table="{table}"' in html
    assert "<caption>Margin by option value, lowest first</caption>" in html
    assert 'class="num loses">-12.00</td>' in html  # the printed text, 0.60 a bag for nothing
    assert "171.50" in html and "43.60" in html and "113.50" in html
    assert "1 line, 25.00 revenue" in html  # the stocked item: cost unknown, apart
    # Two charts, each with its title and a text alternative.
    assert html.count('role="img"') == 2
    assert "<title>Margin by option value, excl. tax</title>" in html
    assert "−12.00" in html  # in the option chart


def test_a_family_filter_shows_only_that_family(login, shop):
    html = login(MERCHANDISER).get(PAGE, {**FILTERS, "family": "stocked"}).content.decode()

    assert "Stocked goods" in html
    assert "No made-to-order line with a known cost in this period." in html
    assert "171.50" not in html


def test_a_period_that_cannot_be_read_says_so_and_shows_the_last_twelve_months(login, shop):
    response = login(MERCHANDISER).get(PAGE, {"start": "2021-05-01", "end": "2021-03-01"}, follow=True)

    assert response.status_code == 200
    assert "The period ends before it starts. Showing the last 12 months instead." in response.content.decode()
    assert login(MERCHANDISER).get(PAGE, {"start": "yesterday", "end": "x", "family": "<b>"}).status_code == 200


def test_the_drill_down_lists_the_orders_behind_an_option_value(login, shop):
    params = {**FILTERS, "family": "printed-tote", "option": "print_text", "value": ""}
    html = login(MERCHANDISER).get(DRILL, params).content.decode()

    assert shop.first.number in html and shop.second.number in html
    assert html.count('class="num loses">-6.00</td>') == 2
    # The merchandiser may not open Oscar's order pages: the numbers are not links for them.
    assert f'href="/dashboard/orders/{shop.first.number}/"' not in html
    admin_html = login(ADMIN).get(DRILL, params).content.decode()
    assert f'href="/dashboard/orders/{shop.first.number}/"' in admin_html

    response = login(MERCHANDISER).get(DRILL, {**params, "csv": "orders"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert rows_of(response) == [
        ["order", "placed", "customer", "revenue_share_excl_tax", "cost_share", "margin"],
        [shop.first.number, "2021-03-03", shop.ada.email, "0.00", "6.00", "-6.00"],
        [shop.second.number, "2021-04-10", shop.ben.email, "0.00", "6.00", "-6.00"],
    ]


def test_a_tampered_option_cannot_reach_the_download_header(login, shop):
    params = {**FILTERS, "family": "printed-tote", "option": 'print_text"\r\nSet-Cookie: x=1', "csv": "orders"}

    response = login(MERCHANDISER).get(DRILL, params)

    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="margins-print_text-set-cookie-x1-orders-2021-03-01-2021-04-30-printed-tote.csv"'
    )
    assert rows_of(response) == [["order", "placed", "customer", "revenue_share_excl_tax", "cost_share", "margin"]]


def test_an_unknown_option_or_a_tampered_value_shows_no_orders(login, shop):
    for params in ({"option": "nope"}, {"option": "sides", "value": '{"x": 1}'}, {"option": "sides", "value": "[["}):
        response = login(MERCHANDISER).get(DRILL, {**FILTERS, "family": "printed-tote", **params})
        assert response.status_code == 200
        assert "No order in this period has this choice." in response.content.decode()


def test_each_table_downloads_as_csv_with_exact_figures(login, shop):
    client = login(MERCHANDISER)

    families = rows_of(client.get(PAGE, {**FILTERS, "csv": "families"}))
    assert families[0] == ["family", "lines", "revenue_excl_tax", "cost", "margin", "margin_pct",
                           "cost_unknown_lines", "cost_unknown_revenue"]  # fmt: skip
    assert families[1][1:] == ["2", "370.00", "198.50", "171.50", "46.4", "0", "0.00"]
    assert families[2] == ["Stocked goods", "0", "0.00", "0.00", "0.00", "", "1", "25.00"]
    customers = rows_of(client.get(PAGE, {**FILTERS, "csv": "customers"}))
    assert customers[1][0] == f"Ada Margin <{shop.ada.email}>"
    assert customers[1][3:] == ["1", "200.00", "97.00", "5.00", "15.00", "20.00", "19.40", "43.60", "0", "0"]
    response = client.get(PAGE, {**FILTERS, "csv": "options"})
    assert 'filename="margins-options-2021-03-01-2021-04-30.csv"' in response["Content-Disposition"]
    assert rows_of(response)[2][1:5] == ["Your text", "(any text)", "print_text", ""]


@pytest.mark.parametrize("name", ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)"])
def test_a_cell_that_looks_like_a_formula_is_written_as_text(login, name):
    ada = CustomerFactory(first_name=name, last_name="")
    build_shop(ada=ada)

    customers = rows_of(login(MERCHANDISER).get(PAGE, {**FILTERS, "csv": "customers"}))

    [row] = [row for row in customers if row[0].endswith(f"<{ada.email}>")]
    assert row[0] == f"'{name} <{ada.email}>"
    assert row[-3] == "43.60"  # a negative figure stays a number: only text is guarded
