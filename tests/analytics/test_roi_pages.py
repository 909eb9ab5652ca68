"""The ROI dashboard (/dashboard/analytics/roi/): who may open it, what it shows for the hand-built
shop of roi_shop.py, its drill-down to a promotion's orders, filters that cannot be read, and its
CSV downloads (safe from formulas)."""

import pytest
from django.contrib.auth.models import Permission

from portal import dashboard_access
from tests.analytics.pages import ADMIN, MERCHANDISER, PLANNER, SHOPPER, rows_of
from tests.analytics.roi_shop import PERIOD, build_roi_shop
from tests.factories import CustomerFactory, StaffFactory
from tests.helpers import access_answer

pytestmark = pytest.mark.django_db

PAGE = "/dashboard/analytics/roi/"
FILTERS = {"start": PERIOD.start.isoformat(), "end": PERIOD.end.isoformat()}


@pytest.fixture
def shop():
    return build_roi_shop()


def detail(kind, key):
    return f"{PAGE}{kind}/{key}/"


@pytest.mark.parametrize(
    ("who", "expected"),
    [(MERCHANDISER, "ok"), (ADMIN, "ok"), (PLANNER, "forbidden"), (SHOPPER, "forbidden"), (None, "login")],
)
@pytest.mark.parametrize("path", [PAGE, f"{PAGE}?csv=reminder", detail("offer", "offer-1")])
def test_only_whom_may_view_analytics_opens_the_roi(client, login, who, expected, path):
    if who:
        login(who)

    answer = access_answer(client.get(path))

    # The detail of a promotion that is not there is a 404 for those who may look, and nothing
    # about it for the others.
    assert answer == ("unexpected 404" if expected == "ok" and "offer-1" in path else expected)


@pytest.mark.parametrize(("is_staff", "holds", "expected"), [(True, True, "ok"), (True, False, "forbidden"),
                                                              (False, True, "forbidden")])  # fmt: skip
def test_staff_without_the_permission_get_403_and_no_menu_entry(client, django_user_model, is_staff, holds, expected):
    person = StaffFactory() if is_staff else CustomerFactory()
    if holds:
        person.user_permissions.add(Permission.objects.get(codename="view_analytics"))
    person = django_user_model.objects.get(pk=person.pk)
    client.force_login(person)

    assert access_answer(client.get(PAGE)) == expected
    assert dashboard_access.may_open_url(person, PAGE) is (expected == "ok")
    if is_staff:
        assert (PAGE in client.get("/dashboard/").content.decode()) is (expected == "ok")


def test_the_page_shows_each_kind_with_its_control_and_net_figures(login, shop):
    response = login(MERCHANDISER).get(PAGE, FILTERS)

    assert response.status_code == 200
    html = response.content.decode()
    for table in ("reminder", "campaign", "offer"):
        assert f'data-table="{table}"' in html
    assert "Lapsed customer win-back" in html and "41.98" in html and "419.8 %" in html
    assert "May double points" in html and "17.80" in html and "809.1 %" in html
    assert "Bag offer" in html and "32.50" in html and "162.5 %" in html
    assert "matched control" in html and "hold-out" in html
    # The voucher nobody could be compared with: its gross figure, no lift.
    assert html.count("No control: no lift shown") == 1
    assert html.count('role="img"') == 3  # a chart per kind, each with a title
    assert "<title>Reminder rules: net incremental margin, excl. tax</title>" in html


def test_a_segment_filter_leaves_the_others_out(login, shop):
    html = login(MERCHANDISER).get(PAGE, {**FILTERS, "segment": "at_risk"}).content.decode()

    assert "Lapsed customer win-back" in html
    assert "Bag offer" not in html and "SPRING10" not in html


def test_a_promotions_figures_drill_down_to_the_orders_behind_them(login, shop):
    client = login(MERCHANDISER)
    page = client.get(PAGE, FILTERS).content.decode()
    link = f"/dashboard/analytics/roi/offer/offer-9102/?start={FILTERS['start']}"
    assert link in page

    html = client.get(detail("offer", "offer-9102"), FILTERS).content.decode()

    for table in ("whole", "segments", "value-classes", "seasons", "orders"):
        assert f'data-table="{table}"' in html
    assert "Spring 2022" in html
    for key in ("vic", "cy", "cleo"):
        assert shop.orders[key].number in html
    assert shop.orders["ari"].number not in html  # nobody's control
    orders = rows_of(client.get(detail("offer", "offer-9102"), {**FILTERS, "csv": "orders"}))
    assert orders[0] == ["order", "placed", "customer", "group", "with_the_promotion", "contribution"]
    assert orders[1] == [shop.orders["vic"].number, "2022-04-10", "vic@roi.example", "treated", "yes", "50.00"]
    assert len(orders) == 4


def test_a_reminders_detail_has_its_hold_out(login, shop):
    html = login(MERCHANDISER).get(detail("reminder", shop.rule.pk), FILTERS).content.decode()

    assert "hold-out" in html and "66.7 % / 50.0 %" in html
    assert shop.orders["hal"].number in html and shop.orders["tom-late"].number not in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"start": "2022-06-30", "end": "2022-01-01"}, "The period ends before it starts."),
        ({"start": "yesterday", "end": "2022-01-01"}, "From: Enter a valid date."),
        (
            {**FILTERS, "segment": "<script>"},
            "RFM segment: Select a valid choice. &lt;script&gt; is not one of the available choices.",
        ),
        ({**FILTERS, "window": "-3"}, "Reminder window (days): Ensure this value is greater than or equal to 1."),
        ({**FILTERS, "window": "many"}, "Reminder window (days): Enter a whole number."),
    ],
)
def test_filters_that_cannot_be_read_say_so_instead_of_failing(login, shop, query, message):
    response = login(MERCHANDISER).get(PAGE, query)

    assert response.status_code == 200
    html = response.content.decode()
    assert f"{message} Showing the last 12 months instead." in html
    assert "<script>" not in html.split("data-roi-filters", 1)[1].split("</form>", 1)[0]


def test_the_detail_of_an_unknown_kind_is_404(login, shop):
    assert login(MERCHANDISER).get(detail("lottery", "1"), FILTERS).status_code == 404


def test_the_csv_downloads_have_every_figure_and_keep_formulas_as_text(login, shop):
    shop.campaign.name = "=HYPERLINK(1)"
    shop.campaign.save()
    client = login(MERCHANDISER)

    campaigns = rows_of(client.get(PAGE, {**FILTERS, "csv": "campaign"}))
    reminders = rows_of(client.get(PAGE, {**FILTERS, "csv": "reminder"}))
    breakdown = rows_of(client.get(PAGE, {**FILTERS, "csv": "breakdown"}))

    header = campaigns[0]
    assert campaigns[1][0] == "'=HYPERLINK(1)"
    campaign = dict(zip(header, campaigns[1], strict=True))
    assert (campaign["cost"], campaign["incremental_margin"], campaign["net_incremental_margin"]) == (
        "2.20",
        "20.00",
        "17.80",
    )
    assert campaign["roi_pct"] == "809.1" and campaign["control"] == "matched control"
    reminder = dict(zip(header, reminders[1], strict=True))
    assert (reminder["incremental_margin"], reminder["roi_pct"], reminder["control"]) == ("41.98", "419.8", "hold-out")
    assert breakdown[0][:4] == ["kind", "promotion", "by", "group"]
    assert ["offer", "Bag offer", "season", "Spring 2022"] in [row[:4] for row in breakdown]
    assert all(not row[1].startswith("=") for row in breakdown)
