"""The value-classes page (/dashboard/analytics/value-classes/): who may open it and change the
rules, what it shows, the rules form's validation, "recompute now", and a class's customers as a
list and a CSV (safe from formulas)."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from analytics import reclassify
from analytics.models import ValueClassHistory, ValueClassRules
from loyalty.models import LoyaltyAccount
from tests.analytics.pages import ADMIN, MERCHANDISER, PLANNER, SHOPPER
from tests.factories import CustomerFactory, LoyaltyAccountFactory, OrderFactory
from tests.helpers import access_answer

pytestmark = pytest.mark.django_db

PAGE = "/dashboard/analytics/value-classes/"
PREMIUM_LIST = PAGE + "premium/"
VALID = {"premium_percent": "5", "major_percent": "25", "refund_rate_limit": "40", "complaint_rate_limit": "30",
         "abuse_min_orders": "3", "action": "save"}  # fmt: skip


@pytest.mark.parametrize(
    ("who", "expected"),
    [(MERCHANDISER, "ok"), (ADMIN, "ok"), (PLANNER, "forbidden"), (SHOPPER, "forbidden"), (None, "login")],
)
@pytest.mark.parametrize("path", [PAGE, PREMIUM_LIST, PREMIUM_LIST + "?csv=1"])
def test_only_whom_may_view_analytics_opens_the_value_classes(client, login, who, expected, path):
    if who:
        login(who)

    assert access_answer(client.get(path)) == expected


@pytest.mark.parametrize(("who", "expected"), [(PLANNER, "forbidden"), (SHOPPER, "forbidden"), (None, "login")])
def test_who_may_not_view_analytics_may_not_change_the_rules_or_recompute(client, login, who, expected):
    if who:
        login(who)

    assert access_answer(client.post(PAGE, VALID)) == expected
    assert access_answer(client.post(PAGE, {"action": "recompute"})) == expected
    assert not ValueClassRules.objects.exists()


def test_the_page_shows_the_classes_their_contribution_and_the_curve(client, login):
    reclassify.reclassify_customers()
    login(MERCHANDISER)

    page = client.get(PAGE).content.decode()

    assert '<svg xmlns="http://www.w3.org/2000/svg"' in page and "Concentration of the 12-month contribution" in page
    assert 'data-top="20"' in page and 'data-top="4"' in page
    for code in ("premium", "major", "ordinary", "restricted", "potential"):
        assert f'data-class="{code}"' in page
        assert f'href="/dashboard/analytics/value-classes/{code}/"' in page


def test_the_merchandiser_saves_the_rules_and_is_told_when_they_apply(client, login, django_user_model):
    login(MERCHANDISER)

    response = client.post(PAGE, VALID, follow=True)

    rules = ValueClassRules.objects.get()
    assert (rules.premium_percent, rules.major_percent, rules.abuse_min_orders) == (Decimal(5), Decimal(25), 3)
    assert rules.updated_by == django_user_model.objects.get(email=MERCHANDISER)
    page = response.content.decode()
    assert "They apply from the next nightly run (02:20)" in page
    assert f"by {MERCHANDISER}" in page


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"premium_percent": "30", "major_percent": "20"}, "major_percent"),
        ({"premium_percent": "0"}, "premium_percent"),
        ({"major_percent": "100.5"}, "major_percent"),
        ({"refund_rate_limit": "-1"}, "refund_rate_limit"),
        ({"complaint_rate_limit": "250"}, "complaint_rate_limit"),
        ({"abuse_min_orders": "0"}, "abuse_min_orders"),
        ({"abuse_min_orders": "2.5"}, "abuse_min_orders"),
        ({"premium_percent": "four"}, "premium_percent"),
        ({"major_percent": ""}, "major_percent"),
    ],
)
def test_rules_out_of_range_or_out_of_order_are_refused_beside_their_field(client, login, changes, field):
    login(MERCHANDISER)

    response = client.post(PAGE, {**VALID, **changes})

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not ValueClassRules.objects.exists()


def test_recompute_now_queues_the_run(client, login, django_capture_on_commit_callbacks, monkeypatch):
    queued = []
    monkeypatch.setattr("analytics.tasks.reclassify_customers.delay", lambda: queued.append(True))
    login(MERCHANDISER)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(PAGE, {"action": "recompute"})

    assert response.status_code == 302 and queued == [True]


def test_a_class_lists_its_customers_and_downloads_them_safe_from_formulas(client, login):
    rich = CustomerFactory(first_name="=HYPERLINK(1)", last_name="")
    LoyaltyAccountFactory(user=rich)
    OrderFactory(user=rich, status="Delivered", total="1000000.00")
    reclassify.reclassify_customers()
    assert LoyaltyAccount.objects.get(user=rich).value_class == "premium"
    login(MERCHANDISER)

    page = client.get(PREMIUM_LIST)
    rows = list(csv.reader(io.StringIO(client.get(PREMIUM_LIST + "?csv=1").content.decode())))

    assert rich.email in page.content.decode()
    assert rows[0][:2] == ["email", "name"]
    mine = next(row for row in rows if row[0] == rich.email)
    assert mine[1] == "'=HYPERLINK(1)"
    assert len(rows) - 1 == LoyaltyAccount.objects.filter(value_class="premium").count()


def test_an_unknown_class_is_404(client, login):
    login(MERCHANDISER)

    assert client.get(PAGE + "gold/").status_code == 404


def test_the_last_30_days_movers_are_shown_with_their_reason(client, login):
    mover = CustomerFactory(email="mover@value.example")
    LoyaltyAccountFactory(user=mover, value_class="restricted")
    today = timezone.localdate()
    ValueClassHistory.objects.create(user_id=mover.pk, computed_on=today - timedelta(days=40), value_class="major")
    ValueClassHistory.objects.create(
        user_id=mover.pk, computed_on=today - timedelta(days=2), value_class="restricted", previous_class="major",
        reason="contributed -3.00 in 12 months",
    )  # fmt: skip
    login(MERCHANDISER)

    page = client.get(PAGE).content.decode()

    movers = page[page.index('data-table="movers"') :]
    assert "mover@value.example" in movers and "contributed -3.00 in 12 months" in movers
    movement = page[page.index('data-table="movement"') : page.index('data-table="movers"')]
    assert "<td>Major</td><td>Restricted</td>" in movement
