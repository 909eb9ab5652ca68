"""Dragging an operation on the board's Gantt: the JSON drop endpoint and its refusals.

Every bad drop answers in words with nothing changed: the operation where it was, the plan's
revision as it was, nothing recorded. A good drop holds the operation where it was dropped and
the re-plan says which other operations it moved.
"""

from datetime import datetime, time, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from production import planning
from production.models import Downtime, Operation, PlanRun, Plant, ProductionEvent, WorkCenter
from production.services import dragging

pytestmark = pytest.mark.django_db


@pytest.fixture
def planner_client(login):
    return login("planner@atelier.example")


@pytest.fixture
def upholster(sofa):
    return sofa.operations.select_related("work_center", "work_order__plant").get(code="upholster")


@pytest.fixture
def other(upholster):
    """The upholstery station the operation is not on (it may run on either)."""
    return WorkCenter.objects.get(
        pk=upholster.alternatives.exclude(work_center=upholster.work_center).get().work_center_id
    )


def revision():
    return Plant.objects.get().plan_revision


def drop(client, operation, center, start, *, at=None):
    return client.post(
        reverse("production:drop", args=[operation.pk]),
        {"work_center": center.pk, "start": start.isoformat(), "revision": revision() if at is None else at},
    )


def state(operation):
    """What a refused drop must leave as it was."""
    operation.refresh_from_db()
    return (
        operation.work_center_id,
        operation.planned_start,
        operation.planned_end,
        operation.frozen,
        revision(),
        ProductionEvent.objects.filter(kind="moved").count(),
        PlanRun.objects.count(),
    )


def refused(response, status, words):
    assert response.status_code == status, response.content
    answer = response.json()
    assert answer["ok"] is False
    assert words in answer["message"]
    return answer


def at(day, hour, minute=0):
    return datetime.combine(day, time(hour, minute), planning.plant_zone())


def later_working_day(moment, weeks=2):
    """The same weekday `weeks` later: a working day, since the plan put work on it."""
    return timezone.localtime(moment).date() + timedelta(weeks=weeks)


# --- A good drop ---------------------------------------------------------------------------


def test_a_drop_onto_another_eligible_center_holds_it_there(planner_client, upholster, other):
    start = upholster.planned_start
    runs, was = PlanRun.objects.count(), revision()

    response = drop(planner_client, upholster, other, start)

    assert response.status_code == 200, response.content
    answer = response.json()
    assert answer["ok"] and answer["changed"] and not answer["replan_failed"]
    assert f"moved to {other.name}" in answer["message"] and "held there" in answer["message"]
    upholster.refresh_from_db()
    assert (upholster.work_center, upholster.planned_start) == (other, start)
    assert upholster.frozen and upholster.pinned
    assert PlanRun.objects.count() == runs + 1 and PlanRun.objects.first().trigger.endswith("dragged")
    assert answer["revision"] == revision() > was
    event = ProductionEvent.objects.get(kind="moved", operation=upholster)
    assert event.user.email == "planner@atelier.example" and f"to {other.name}" in event.description


def test_a_drop_later_in_time_says_what_the_replan_moved(planner_client, sofa, upholster):
    pack = sofa.operations.get(code="pack")
    start = first_open_slot(upholster, upholster.work_center, after=pack.planned_end + timedelta(hours=1))

    answer = drop(planner_client, upholster, upholster.work_center, start).json()

    assert answer["ok"] and answer["changed"] and not answer["replan_failed"], answer
    # The engine holds an operation only with the steps before it: they stay where they were.
    earlier = sofa.operations.filter(code__in=["frame", "cut-fabric", "sew"])
    assert all(step.frozen for step in earlier)
    pack.refresh_from_db()
    upholster.refresh_from_db()
    assert upholster.planned_start == start
    assert pack.planned_start >= upholster.planned_end  # the re-plan kept the order of the steps
    moved = {item["operation"]: item["words"] for item in answer["moved"]}
    assert pack.pk in moved and "Inspect and wrap" in moved[pack.pk]
    assert f"{len(answer['moved'])} other operation" in answer["message"]


def first_open_slot(operation, center, *, after):
    """The first quarter hour from `after` where the service would take the operation on `center`."""
    moment = dragging.snapped(after).replace(minute=0) + timedelta(hours=1)
    minutes = operation.alternatives.get(work_center=center)
    for _ in range(4 * 24 * 14):
        end = moment + timedelta(minutes=minutes.setup + minutes.minutes)
        try:
            dragging._check_open(center, moment, end)
            dragging._check_room(operation, center, moment, end, timezone.now())
            return moment
        except dragging.DropRefused:
            moment += timedelta(minutes=15)
    raise AssertionError("no open slot in two weeks")


def test_the_same_drop_twice_changes_nothing_the_second_time(planner_client, upholster, other):
    start, first_revision = upholster.planned_start, revision()
    assert drop(planner_client, upholster, other, start, at=first_revision).json()["changed"]
    before = state(upholster)

    response = drop(planner_client, upholster, other, start, at=first_revision)

    assert response.status_code == 200
    assert response.json()["changed"] is False and "nothing changed" in response.json()["message"]
    assert state(upholster) == before


def test_the_board_draws_planned_bars_ready_to_drag(planner_client, sofa, upholster, other):
    day = timezone.localtime(upholster.planned_start).date().isoformat()

    html = planner_client.get(f"/dashboard/production/?view=week&day={day}").content.decode()

    assert f'data-drop-url="{reverse("production:drop", args=[0])}"' in html
    assert f'data-revision="{revision()}"' in html
    bar = html.split(f'data-operation="{upholster.pk}"', 1)[1].split(">", 1)[0]
    assert 'data-draggable="1"' in bar
    assert f"{upholster.work_center_id}:" in bar and f"{other.pk}:" in bar
    assert f"{sofa.number}, Upholster, on {upholster.work_center.name}" in bar
    assert 'id="drag-status"' in html and "production/drag.js" in html


# --- Bad drops: a message, nothing changed -------------------------------------------------


def test_a_drop_onto_an_ineligible_center_is_refused(planner_client, upholster):
    cutting = WorkCenter.objects.get(code="cut")
    before = state(upholster)

    refused(drop(planner_client, upholster, cutting, upholster.planned_start), 400, "not an eligible work center")

    assert state(upholster) == before


def test_a_drop_on_a_holiday_is_refused(planner_client, upholster, other):
    christmas = datetime(2026, 12, 25).date()  # a Friday, a holiday of the demo's calendars
    if timezone.localdate() >= christmas - timedelta(days=7):
        pytest.skip("the demo plan may reach Christmas")
    before = state(upholster)

    refused(drop(planner_client, upholster, other, at(christmas, 9)), 400, "closed on Fri 25 Dec (Christmas Day)")

    assert state(upholster) == before


def test_a_drop_outside_the_shifts_or_into_a_break_is_refused(planner_client, upholster, other):
    day = later_working_day(upholster.planned_start)
    before = state(upholster)

    refused(drop(planner_client, upholster, other, at(day, 20)), 400, "outside its shifts or in a break")
    refused(drop(planner_client, upholster, other, at(day, 11, 15)), 400, "outside its shifts or in a break")
    refused(drop(planner_client, upholster, other, at(day, 5)), 400, "outside its shifts or in a break")

    assert state(upholster) == before


def test_a_drop_into_downtime_is_refused(planner_client, upholster, other):
    start = first_open_slot(upholster, other, after=upholster.planned_start + timedelta(days=7))
    Downtime.objects.create(work_center=other, start=start - timedelta(hours=1), end=start + timedelta(hours=1),
                            reason="motor replaced")  # fmt: skip
    before = state(upholster)

    refused(drop(planner_client, upholster, other, start), 400, "motor replaced")

    assert state(upholster) == before


def test_a_drop_from_a_page_older_than_the_plan_is_refused_and_reloads(planner_client, upholster, other):
    before = state(upholster)

    answer = refused(drop(planner_client, upholster, other, upholster.planned_start, at=revision() - 1), 409, "")

    assert answer["reload"] is True and "The plan changed" in answer["message"] and "reloaded" in answer["message"]
    assert state(upholster) == before


def test_a_started_operation_or_a_frozen_work_order_cannot_be_dragged(planner_client, sofa, upholster, other):
    frame = sofa.operations.get(code="frame")
    frame.status, frame.actual_start = Operation.STARTED, timezone.now()
    frame.save()
    refused(drop(planner_client, frame, frame.work_center, frame.planned_start + timedelta(hours=1)), 409, "started")

    sofa.frozen = True
    sofa.save()
    before = state(upholster)
    refused(drop(planner_client, upholster, other, upholster.planned_start), 409, "frozen")
    assert state(upholster) == before


def test_a_drop_before_the_previous_step_ends_is_refused(planner_client, sofa, upholster, other):
    frame = sofa.operations.get(code="frame")
    before = state(upholster)

    refused(drop(planner_client, upholster, other, frame.planned_end - timedelta(minutes=30)), 400, "comes after")

    assert state(upholster) == before


def test_a_drop_in_the_past_is_refused(planner_client, upholster, other):
    before = state(upholster)

    refused(drop(planner_client, upholster, other, timezone.now() - timedelta(days=1)), 400, "has passed")

    assert state(upholster) == before


def test_a_drop_onto_work_the_plan_cannot_move_is_refused(planner_client, sofa, upholster, other):
    start = upholster.planned_start
    # Another order's operation held on that station at that time (started work holds it too).
    held = Operation.objects.exclude(work_order=sofa).filter(status=Operation.PLANNED).first()
    Operation.objects.filter(pk=held.pk).update(
        work_center=other,
        planned_start=start - timedelta(minutes=30),
        planned_end=start + timedelta(hours=1),
        frozen=True,
    )
    before = state(upholster)

    refused(drop(planner_client, upholster, other, start), 400, f"{other.name} is taken then by {held}")

    assert state(upholster) == before


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"work_center": "x", "start": "2030-01-01T10:00", "revision": "1"},
        {"work_center": "1", "start": "soon", "revision": "1"},
        {"work_center": "1", "start": "2030-01-01T10:00", "revision": "latest"},
    ],
)
def test_a_drop_with_missing_or_garbled_fields_is_refused(planner_client, upholster, data):
    before = state(upholster)

    refused(planner_client.post(reverse("production:drop", args=[upholster.pk]), data), 400, "Give a work center")

    assert state(upholster) == before


def test_only_planners_drop(login, client, upholster, other):
    before = state(upholster)
    url = reverse("production:drop", args=[upholster.pk])
    data = {"work_center": other.pk, "start": upholster.planned_start.isoformat(), "revision": revision()}

    assert login("editor@atelier.example").post(url, data).status_code == 403
    client.logout()
    assert client.post(url, data).status_code == 302  # signed out: sent to sign in

    assert state(upholster) == before


def test_a_drop_needs_the_csrf_token(django_user_model, upholster, other):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(django_user_model.objects.get(email="planner@atelier.example"))
    before = state(upholster)

    response = strict.post(
        reverse("production:drop", args=[upholster.pk]),
        {"work_center": other.pk, "start": upholster.planned_start.isoformat(), "revision": revision()},
    )

    assert response.status_code == 403
    assert state(upholster) == before


def test_a_held_operation_is_released_to_the_plan_with_its_held_later_steps(planner_client, sofa, upholster, other):
    assert drop(planner_client, upholster, other, upholster.planned_start).json()["changed"]
    pack = sofa.operations.get(code="pack")
    start = first_open_slot(pack, pack.work_center, after=upholster.planned_end + timedelta(hours=2))
    assert drop(planner_client, pack, pack.work_center, start).json()["changed"]
    day = timezone.localtime(upholster.planned_start).date().isoformat()
    html = planner_client.get(f"/dashboard/production/?view=week&day={day}").content.decode()
    assert reverse("production:release", args=[upholster.pk]) in html

    response = planner_client.post(reverse("production:release", args=[upholster.pk]), follow=True)

    assert "released; the plan may move it again" in response.content.decode()
    upholster.refresh_from_db()
    pack.refresh_from_db()
    assert not upholster.frozen and not pack.frozen  # a later step is never held without the one before
    assert PlanRun.objects.first().outcome == PlanRun.OK
    assert ProductionEvent.objects.filter(kind="hold-released", operation=upholster).count() == 1
    # Again: not held any more, nothing changes.
    again = planner_client.post(reverse("production:release", args=[upholster.pk]), follow=True)
    assert "is not held; nothing changed" in again.content.decode()
    assert ProductionEvent.objects.filter(kind="hold-released").count() == 1


def test_only_planners_release(login, upholster):
    Operation.objects.filter(pk=upholster.pk).update(frozen=True)

    assert login("editor@atelier.example").post(reverse("production:release", args=[upholster.pk])).status_code == 403
    upholster.refresh_from_db()
    assert upholster.frozen
