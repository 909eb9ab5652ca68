"""Planners keep each work center in the dashboard: capacity, rate per hour, calendar, and the
routing steps it may run; what would leave a step with no center, or a center with no open
time, is refused with the reason and nothing changes."""

from decimal import Decimal

import pytest
from django.urls import reverse

from production.models import Calendar, ProductionEvent, RoutingStep, WorkCenter

pytestmark = pytest.mark.django_db


@pytest.fixture
def planner_client(login):
    return login("planner@atelier.example")


@pytest.fixture
def cutting():
    return WorkCenter.objects.get(code="cut")


def url(center):
    return reverse("production:factory-work-center", args=[center.pk])


def form(center, **changes):
    data = {
        "center-name": center.name,
        "center-capacity": center.capacity,
        "center-rate_per_hour": center.rate_per_hour,
        "center-calendar": center.calendar_id,
        "center-steps": list(center.routing_steps.values_list("pk", flat=True)),
    }
    data.update({f"center-{key}": value for key, value in changes.items()})
    return data


def state(center):
    center.refresh_from_db()
    return (center.name, center.capacity, center.rate_per_hour, center.calendar_id, set(center.routing_steps.all()))


def test_the_page_is_for_planners_only(login, cutting):
    assert login("planner@atelier.example").get(url(cutting)).status_code == 200
    assert login("editor@atelier.example").post(url(cutting), form(cutting, capacity=3)).status_code == 403
    assert WorkCenter.objects.get(code="cut").capacity == 1


def test_a_planner_changes_capacity_rate_and_steps_and_the_factory_is_replanned(planner_client, cutting):
    frame = RoutingStep.objects.get(routing__family_slug="modular-sofa", code="frame")
    steps = [*cutting.routing_steps.values_list("pk", flat=True), frame.pk]

    response = planner_client.post(
        url(cutting), form(cutting, capacity=2, rate_per_hour="50.00", steps=steps), follow=True
    )

    cutting.refresh_from_db()
    assert (cutting.capacity, cutting.rate_per_hour) == (2, Decimal("50.00"))
    assert cutting in frame.work_centers.all()
    html = response.content.decode()
    assert (
        "CNC cutting saved: capacity 1 → 2; rate per hour 48.00 → 50.00; may run Modular sofa: Build frame and foam."
        in html
    )
    assert "Re-planned" in html
    assert ProductionEvent.objects.filter(
        kind="work-center", description__startswith="CNC cutting: capacity 1 → 2"
    ).exists()


def test_saving_what_is_there_changes_nothing(planner_client, cutting):
    response = planner_client.post(url(cutting), form(cutting), follow=True)

    assert "CNC cutting is already as given; nothing changed." in response.content.decode()
    assert not ProductionEvent.objects.filter(kind="work-center").exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"capacity": 0}, "Capacity is how many operations run at once: from 1 to 50."),
        ({"capacity": 51}, "Capacity is how many operations run at once: from 1 to 50."),
        ({"rate_per_hour": "-1"}, "A rate per hour is not negative."),
    ],
)
def test_capacity_and_rate_out_of_bounds_are_refused(planner_client, cutting, changes, message):
    before = state(cutting)

    response = planner_client.post(url(cutting), form(cutting, **changes))

    assert response.status_code == 400
    assert message in response.content.decode()
    assert state(cutting) == before


@pytest.mark.parametrize("typed", ["", "many", "1.5"])
def test_a_capacity_that_is_not_a_whole_number_is_a_form_error(planner_client, cutting, typed):
    before = state(cutting)

    response = planner_client.post(url(cutting), form(cutting, capacity=typed))

    assert response.status_code == 400
    assert "Nothing was changed: correct the fields marked below." in response.content.decode()
    assert state(cutting) == before


def test_leaving_a_step_with_no_eligible_center_is_refused(planner_client, cutting):
    before = state(cutting)

    response = planner_client.post(url(cutting), form(cutting, steps=[]))

    assert response.status_code == 400
    html = response.content.decode()
    assert (
        "Fridge, step “Cut cabinet panels” would have no eligible work center: add another center to it first." in html
    )
    assert state(cutting) == before


def test_a_calendar_with_no_open_time_is_refused(planner_client, cutting):
    empty = Calendar.objects.create(name="Nothing open")
    before = state(cutting)

    response = planner_client.post(url(cutting), form(cutting, calendar=empty.pk))

    assert response.status_code == 400
    assert "Nothing open has no open time: give it shifts first." in response.content.decode()
    assert state(cutting) == before
