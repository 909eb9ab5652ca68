"""Planners add to the factory in the dashboard: a plant (and rename one), a calendar with its
week, a work center with the steps it may run. Each bad input is refused with its reason and
nothing is created; the pages are for planners only, and a POST needs its CSRF token."""

from datetime import time
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from production.models import Calendar, Plant, ProductionEvent, RoutingStep, Shift, WorkCenter
from production.services import calendars, plants, work_centers
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

INDEX = "/dashboard/production/factory/"


@pytest.fixture
def sheffield():
    return Plant.objects.get(code="sheffield")


def plant_form(code, name, prefix="new-plant"):
    return {f"{prefix}-code": code, f"{prefix}-name": name}


def calendar_form(name, shifts, breaks=()):
    """The new calendar page's POST: `shifts` and `breaks` as its rows, the rest left blank."""
    data = {"calendar-name": name, "shifts-TOTAL_FORMS": 7, "shifts-INITIAL_FORMS": 0}
    data.update({"breaks-TOTAL_FORMS": 1, "breaks-INITIAL_FORMS": 0})
    for i in range(7):
        day, start, end = shifts[i] if i < len(shifts) else ("", "", "")
        data.update({f"shifts-{i}-weekday": day, f"shifts-{i}-start": start, f"shifts-{i}-end": end})
    for i, (start, end) in enumerate(breaks):
        data.update({f"breaks-{i}-start": start, f"breaks-{i}-end": end})
    return data


def center_form(**changes):
    data = {
        "plant": Plant.objects.get(code="sheffield").pk,
        "code": "laser",
        "name": "Laser cutter",
        "capacity": 2,
        "rate_per_hour": "55.50",
        "calendar": Calendar.objects.get(name="Day shift").pk,
        "steps": [],
    }
    data.update(changes)
    return {f"center-{key}": value for key, value in data.items()}


def factory_rows():
    return (Plant.objects.count(), Calendar.objects.count(), Shift.objects.count(), WorkCenter.objects.count())


# --- Who may add ------------------------------------------------------------------------------

# What each page is sent, as a function: the work center's form reads the demo's ids.
ADDS = [
    ("production:factory-add-plant", lambda: plant_form("leeds", "Leeds workshop")),
    ("production:factory-add-calendar", lambda: calendar_form("Evenings", [(0, "16:00", "22:00")])),
    ("production:factory-add-work-center", center_form),
]


@pytest.mark.parametrize(("name", "data"), ADDS)
def test_other_staff_and_customers_get_403_and_nothing_is_created(login, client, name, data):
    before = factory_rows()

    assert login("editor@atelier.example").post(reverse(name), data()).status_code == 403
    client.force_login(CustomerFactory())
    assert client.post(reverse(name), data()).status_code == 403
    assert factory_rows() == before


@pytest.mark.parametrize(("name", "data"), ADDS)
def test_visitors_are_sent_to_sign_in(client, name, data):
    response = client.post(reverse(name), data())

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_renaming_a_plant_is_for_planners_only(login, sheffield):
    url = reverse("production:factory-plant", args=[sheffield.pk])

    response = login("editor@atelier.example").post(url, plant_form("shf", "Elsewhere", prefix=f"plant-{sheffield.pk}"))

    assert response.status_code == 403
    sheffield.refresh_from_db()
    assert (sheffield.code, sheffield.name) == ("sheffield", "Sheffield workshop")


@pytest.mark.parametrize(("name", "data"), ADDS)
def test_a_post_without_the_csrf_token_is_refused(django_user_model, name, data):
    client = Client(enforce_csrf_checks=True)
    client.force_login(django_user_model.objects.get(email="planner@atelier.example"))
    before = factory_rows()

    assert client.post(reverse(name), data()).status_code == 403
    assert factory_rows() == before


@pytest.mark.parametrize(
    "name", ["production:factory-add-calendar", "production:factory-add-work-center", "production:factory"]
)
def test_the_pages_open_for_a_planner(planner_client, name):
    response = planner_client.get(reverse(name))

    assert response.status_code == 200


# --- Plants -----------------------------------------------------------------------------------


def test_a_planner_adds_a_plant_and_it_is_on_the_index(planner_client):
    response = planner_client.post(
        reverse("production:factory-add-plant"), plant_form("leeds", "Leeds workshop"), follow=True
    )

    html = response.content.decode()
    assert "Plant Leeds workshop (leeds) added; add its work centers below." in html
    assert "Leeds workshop (leeds)" in html
    assert Plant.objects.get(code="leeds").name == "Leeds workshop"
    event = ProductionEvent.objects.get(kind="plant")
    assert event.description == f"Plant Leeds workshop (leeds) added, by {event.user.get_full_name()}"


def test_a_planner_renames_a_plant(planner_client, sheffield):
    response = planner_client.post(
        reverse("production:factory-plant", args=[sheffield.pk]),
        plant_form("sheffield-kelham", "Kelham Yard workshop", prefix=f"plant-{sheffield.pk}"),
        follow=True,
    )

    sheffield.refresh_from_db()
    assert (sheffield.code, sheffield.name) == ("sheffield-kelham", "Kelham Yard workshop")
    assert (
        "Plant Kelham Yard workshop saved: name Sheffield workshop → Kelham Yard workshop; "
        "code sheffield → sheffield-kelham." in response.content.decode()
    )
    assert ProductionEvent.objects.filter(
        kind="plant", description__startswith="Plant Sheffield workshop: name"
    ).exists()


def test_saving_a_plant_as_it_is_changes_nothing(planner_client, sheffield):
    response = planner_client.post(
        reverse("production:factory-plant", args=[sheffield.pk]),
        plant_form("sheffield", "Sheffield workshop", prefix=f"plant-{sheffield.pk}"),
        follow=True,
    )

    assert "Plant Sheffield workshop is already as given; nothing changed." in response.content.decode()
    assert not ProductionEvent.objects.filter(kind="plant").exists()


def test_a_plant_code_that_is_taken_is_refused(planner_client, sheffield):
    leeds = Plant.objects.create(code="leeds", name="Leeds workshop")
    before = factory_rows()

    added = planner_client.post(reverse("production:factory-add-plant"), plant_form("sheffield", "Second Sheffield"))
    renamed = planner_client.post(
        reverse("production:factory-plant", args=[leeds.pk]),
        plant_form("sheffield", "Leeds", prefix=f"plant-{leeds.pk}"),
    )

    for response in (added, renamed):
        assert response.status_code == 400
        assert (
            "Nothing was changed: The code “sheffield” is taken by Sheffield workshop; choose another."
            in response.content.decode()
        )
    assert factory_rows() == before
    leeds.refresh_from_db()
    assert (leeds.code, leeds.name) == ("leeds", "Leeds workshop")


# --- Calendars --------------------------------------------------------------------------------


def test_a_planner_adds_a_calendar_with_its_week_and_it_is_editable(planner_client):
    week = [(day, "16:00", "22:00") for day in range(5)]

    response = planner_client.post(
        reverse("production:factory-add-calendar"), calendar_form("Evenings", week, [("19:00", "19:30")]), follow=True
    )

    evenings = Calendar.objects.get(name="Evenings")
    assert sorted(evenings.shifts.values_list("weekday", "start", "end")) == [
        (day, time(16), time(22)) for day in range(5)
    ]
    assert list(evenings.breaks.values_list("start", "end")) == [(time(19), time(19, 30))]
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("production:factory-calendar", args=[evenings.pk])
    assert "Calendar Evenings added." in html
    assert 'name="shifts-0-start" value="16:00"' in html
    event = ProductionEvent.objects.get(kind="calendar")
    assert (
        event.description
        == f"Evenings added: 5 shifts, 1 breaks, 27.5 open hours a week, by {event.user.get_full_name()}"
    )
    assert "Evenings" in planner_client.get(INDEX).content.decode()


def test_a_blank_new_calendar_page_posted_with_one_shift_skips_the_blank_rows(planner_client):
    """The rows a planner leaves blank post no day: skipped, not half-filled shifts."""
    response = planner_client.post(
        reverse("production:factory-add-calendar"), calendar_form("Saturdays", [(5, "08:00", "12:00")])
    )

    assert response.status_code == 302
    assert list(Calendar.objects.get(name="Saturdays").shifts.values_list("weekday", flat=True)) == [5]


@pytest.mark.parametrize(
    ("name", "shifts", "breaks", "message"),
    [
        (
            "Day shift",
            [(0, "16:00", "22:00")],
            [],
            "There is already a calendar named “Day shift”; choose another name.",
        ),
        (
            "day SHIFT",
            [(0, "16:00", "22:00")],
            [],
            "There is already a calendar named “day SHIFT”; choose another name.",
        ),
        (
            "Evenings",
            [(0, "16:00", "22:00"), (0, "21:00", "23:00")],
            [],
            "Monday&#x27;s shifts 16:00–22:00 and 21:00–23:00 overlap.",
        ),
        (
            "Evenings",
            [(0, "16:00", "17:00")],
            [("16:00", "17:00")],
            "Evenings would have no open time: give it at least one shift longer than its breaks.",
        ),
        (
            "Evenings",
            [],
            [],
            "Evenings would have no open time: give it at least one shift longer than its breaks.",
        ),
    ],
)
def test_a_bad_calendar_is_refused_with_its_reason_and_nothing_is_created(
    planner_client, name, shifts, breaks, message
):
    before = factory_rows()

    response = planner_client.post(reverse("production:factory-add-calendar"), calendar_form(name, shifts, breaks))

    assert response.status_code == 400
    assert message in response.content.decode()
    assert factory_rows() == before
    assert not ProductionEvent.objects.filter(kind="calendar").exists()


# --- Work centers -----------------------------------------------------------------------------


def test_a_planner_adds_a_work_center_with_steps_and_the_factory_is_replanned(planner_client):
    frame = RoutingStep.objects.get(routing__family_slug="modular-sofa", code="frame")

    response = planner_client.post(
        reverse("production:factory-add-work-center"), center_form(steps=[frame.pk]), follow=True
    )

    laser = WorkCenter.objects.get(code="laser")
    assert (laser.name, laser.capacity, laser.rate_per_hour, laser.plant.code, laser.calendar.name) == (
        "Laser cutter",
        2,
        Decimal("55.50"),
        "sheffield",
        "Day shift",
    )
    assert list(laser.routing_steps.all()) == [frame]
    assert response.redirect_chain[-1][0] == reverse("production:factory-work-center", args=[laser.pk])
    html = response.content.decode()
    assert "Laser cutter added to Sheffield workshop. Re-planned" in html
    event = ProductionEvent.objects.get(kind="work-center")
    assert event.description == (
        "Laser cutter added to Sheffield workshop: capacity 2, rate per hour 55.50, calendar Day shift; "
        f"may run Modular sofa: Build frame and foam, by {event.user.get_full_name()}"
    )
    assert "Laser cutter" in planner_client.get(INDEX).content.decode()


def test_a_work_center_with_no_steps_is_added_and_told_it_gets_no_work(planner_client):
    revision = Plant.objects.get(code="sheffield").plan_revision

    response = planner_client.post(reverse("production:factory-add-work-center"), center_form(), follow=True)

    laser = WorkCenter.objects.get(code="laser")
    assert not laser.routing_steps.exists()
    assert (
        "Laser cutter added to Sheffield workshop. It may run no routing step yet, so the plan gives it no work"
        in response.content.decode()
    )
    assert Plant.objects.get(code="sheffield").plan_revision == revision


def test_the_new_work_center_page_says_a_center_with_no_steps_gets_no_work(planner_client):
    html = planner_client.get(reverse("production:factory-add-work-center")).content.decode()

    assert "You may tick none: the center is added, but the plan gives it no work" in html


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"code": "cut"}, "The code “cut” is taken by CNC cutting; choose another."),
        ({"capacity": 0}, "Capacity is how many operations run at once: from 1 to 50."),
        ({"capacity": 51}, "Capacity is how many operations run at once: from 1 to 50."),
        ({"rate_per_hour": "-1"}, "A rate per hour is not negative."),
    ],
)
def test_a_bad_work_center_is_refused_with_its_reason_and_nothing_is_created(planner_client, changes, message):
    before = factory_rows()

    response = planner_client.post(reverse("production:factory-add-work-center"), center_form(**changes))

    assert response.status_code == 400
    assert message in response.content.decode()
    assert factory_rows() == before
    assert not ProductionEvent.objects.filter(kind="work-center").exists()


def test_a_work_center_on_a_calendar_without_open_time_is_refused(planner_client):
    empty = Calendar.objects.create(name="Nothing open")
    before = factory_rows()

    response = planner_client.post(reverse("production:factory-add-work-center"), center_form(calendar=empty.pk))

    assert response.status_code == 400
    assert "Nothing open has no open time: give it shifts first." in response.content.decode()
    assert factory_rows() == before


def test_a_step_of_another_plants_routing_is_refused(planner_client):
    leeds = Plant.objects.create(code="leeds", name="Leeds workshop")
    frame = RoutingStep.objects.get(routing__family_slug="modular-sofa", code="frame")
    before = factory_rows()

    response = planner_client.post(
        reverse("production:factory-add-work-center"), center_form(plant=leeds.pk, steps=[frame.pk])
    )

    assert response.status_code == 400
    assert (
        "Modular sofa, step “Build frame and foam” is made in Sheffield workshop, not in Leeds workshop."
        in response.content.decode()
    )
    assert factory_rows() == before


# --- What cannot be read ----------------------------------------------------------------------

SLUG = "Enter a valid “slug” consisting of letters, numbers, underscores or hyphens."
REQUIRED = "This field is required."


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("production:factory-add-plant", lambda: plant_form("leeds works", "Leeds"), SLUG),
        ("production:factory-add-plant", lambda: plant_form("", "Leeds"), REQUIRED),
        ("production:factory-add-plant", lambda: plant_form("leeds", ""), REQUIRED),
        (
            "production:factory-add-calendar",
            lambda: calendar_form("Evenings", [(0, "16:00", "15:00")]),
            "A shift ends after it starts (split a night shift in two).",
        ),
        ("production:factory-add-calendar", lambda: calendar_form("Evenings", [(0, "16:00", "")]), REQUIRED),
        ("production:factory-add-calendar", lambda: calendar_form("", [(0, "16:00", "22:00")]), REQUIRED),
        ("production:factory-add-work-center", lambda: center_form(code="laser cutter"), SLUG),
        ("production:factory-add-work-center", lambda: center_form(capacity="many"), "Enter a whole number."),
        ("production:factory-add-work-center", lambda: center_form(name=""), REQUIRED),
    ],
)
def test_what_cannot_be_read_is_marked_on_the_form_and_nothing_is_created(planner_client, name, data, message):
    before = factory_rows()

    response = planner_client.post(reverse(name), data())

    assert response.status_code == 400
    html = response.content.decode()
    assert "Nothing was changed: correct the fields marked below." in html
    assert message in html
    assert factory_rows() == before


# --- Two planners adding one code or name at once ---------------------------------------------


@pytest.mark.parametrize(
    ("model", "add", "message"),
    [
        (
            Plant,
            lambda user: plants.add_plant(code="leeds", name="Leeds workshop", user=user),
            "The code “leeds” is taken by another plant; choose another.",
        ),
        (
            Calendar,
            lambda user: calendars.add_calendar(
                name="Evenings", shifts=[(0, time(16), time(22))], breaks=[], user=user
            ),
            "There is already a calendar named “Evenings”; choose another name.",
        ),
        (
            WorkCenter,
            lambda user: work_centers.add_work_center(
                plant=Plant.objects.get(code="sheffield"),
                code="leeds",
                name="Laser cutter",
                capacity=1,
                rate_per_hour=Decimal(0),
                calendar=Calendar.objects.get(name="Day shift"),
                steps=[],
                user=user,
            ),
            "The code “leeds” is taken by another work center; choose another.",
        ),
    ],
)
def test_one_added_by_another_planner_after_the_check_is_refused_and_nothing_is_left(
    monkeypatch, planner, model, add, message
):
    """The other planner's row lands between the check and the insert: the unique column refuses."""
    create = model.objects.create

    def create_after_the_other_planner(**fields):
        model.objects.bulk_create([model(**fields)])
        return create(**fields)

    monkeypatch.setattr(model.objects, "create", create_after_the_other_planner)
    before = factory_rows()

    with pytest.raises(calendars.FactoryError) as refused:
        add(planner)

    assert refused.value.messages == [message]
    assert factory_rows() == before
