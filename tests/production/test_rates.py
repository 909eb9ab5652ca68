"""Planners keep what each work center costs per hour, on the board: changed in words, recorded
with who changed it, refused when it is not an amount; nobody else may change it."""

from decimal import Decimal

import pytest
from django.urls import reverse

from production.models import ProductionEvent, WorkCenter
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db
RATES = reverse("production:rate")


@pytest.fixture
def planner_client(login):
    return login("planner@atelier.example")


@pytest.fixture
def cutting():
    return WorkCenter.objects.get(code="cut")


def test_the_board_shows_each_work_centers_rate_in_a_form(planner_client, cutting):
    html = planner_client.get("/dashboard/production/").content.decode()

    assert "What each work center costs per hour" in html
    assert f'id="rate-{cutting.pk}" name="rate_per_hour" value="{cutting.rate_per_hour}"' in html
    assert "Rate per hour of CNC cutting" in html


def test_a_planner_sets_a_rate_and_the_change_is_recorded(planner_client, cutting):
    old = cutting.rate_per_hour

    response = planner_client.post(RATES, {"work_center": cutting.pk, "rate_per_hour": "52,50"}, follow=True)

    cutting.refresh_from_db()
    assert cutting.rate_per_hour == Decimal("52.50")
    assert "CNC cutting now costs 52.50 an hour, for the orders sold from now on." in response.content.decode()
    event = ProductionEvent.objects.get(kind="rate")
    assert event.user.email == "planner@atelier.example"
    assert event.description.startswith(f"CNC cutting costs 52.50 an hour (was {old}), by ")

    again = planner_client.post(RATES, {"work_center": cutting.pk, "rate_per_hour": "52.50"}, follow=True)
    assert "CNC cutting already costs 52.50 an hour." in again.content.decode()
    assert ProductionEvent.objects.filter(kind="rate").count() == 1


@pytest.mark.parametrize("typed", ["", "fast", "-1", "12.345", "NaN", "Infinity", "1e12", "100000000"])
def test_a_rate_that_is_not_an_amount_is_refused_and_nothing_changes(planner_client, cutting, typed):
    old = cutting.rate_per_hour

    response = planner_client.post(RATES, {"work_center": cutting.pk, "rate_per_hour": typed}, follow=True)

    cutting.refresh_from_db()
    assert cutting.rate_per_hour == old
    html = response.content.decode()
    assert "Give the rate per hour as an amount, such as 42.50." in html or (
        "A rate per hour is an amount from 0 with at most two decimals, such as 42.50." in html
    )
    assert not ProductionEvent.objects.filter(kind="rate").exists()


@pytest.mark.parametrize("chosen", ["", "999999", "cut", "-3"])
def test_an_unknown_work_center_is_refused(planner_client, chosen):
    response = planner_client.post(RATES, {"work_center": chosen, "rate_per_hour": "10"}, follow=True)

    assert "Choose a work center." in response.content.decode()
    assert not ProductionEvent.objects.filter(kind="rate").exists()


def test_only_planners_change_rates(login, client, cutting):
    old = cutting.rate_per_hour
    assert (
        login("editor@atelier.example").post(RATES, {"work_center": cutting.pk, "rate_per_hour": "1"}).status_code
        == 403
    )
    client.force_login(CustomerFactory())
    assert client.post(RATES, {"work_center": cutting.pk, "rate_per_hour": "1"}).status_code == 403
    client.logout()
    assert client.post(RATES, {"work_center": cutting.pk, "rate_per_hour": "1"}).status_code == 302
    assert client.get(RATES).status_code == 302  # signed out: to sign in, whatever the method

    cutting.refresh_from_db()
    assert cutting.rate_per_hour == old


def test_a_get_does_not_change_a_rate(planner_client):
    assert planner_client.get(RATES).status_code == 405
