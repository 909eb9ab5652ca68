"""What-if: a change tried on a copy of the plan (nothing written), compared with the live plan,
then committed for real, or refused when the plan moved since; bad input is a form error."""

from datetime import timedelta

import pytest
from django.urls import reverse

from portal.demo.production import promise_sofa_tighter
from production.models import Downtime, Operation, Overtime, Plant, WorkCenter, WorkOrder
from production.selectors.board import default_plant
from production.selectors.lateness import why_late

pytestmark = pytest.mark.django_db
PAGE = reverse("production:what-if")


@pytest.fixture
def planner_client(login):
    return login("planner@atelier.example")


def _sofa_overtime(sofa):
    promise_sofa_tighter()
    (reason,) = [r for r in why_late(default_plant()) if r.work_order == sofa]
    suggestion = reason.suggestions[0]
    (start, end), *_ = suggestion.spans
    fmt = "%Y-%m-%dT%H:%M"
    return {"kind": "overtime", "work_center": suggestion.work_center.pk, "start": start.strftime(fmt),
            "end": end.strftime(fmt)}  # fmt: skip


def _positions():
    return list(Operation.objects.order_by("pk").values_list("work_center_id", "planned_start", "planned_end"))


@pytest.mark.parametrize(("email", "expected"), [("planner@atelier.example", 200), ("editor@atelier.example", 403)])
def test_what_if_is_for_planners(login, email, expected):
    assert login(email).get(PAGE).status_code == expected
    assert login(email).post(reverse("production:what-if-commit"), {}).status_code in (302, 403)


def test_overtime_what_if_shows_the_sofa_no_longer_late_and_writes_nothing(planner_client, sofa):
    query = _sofa_overtime(sofa)
    before, revision = _positions(), Plant.objects.get().plan_revision

    response = planner_client.get(PAGE, query)

    comparison = response.context["comparison"]
    assert comparison.live.late == (sofa.number,)
    assert comparison.changed.late == ()
    assert comparison.no_longer_late == [sofa.number]
    assert comparison.changed.weighted_lateness < comparison.live.weighted_lateness
    assert "<svg" in response.content.decode() and "Commit this change" in response.content.decode()
    assert _positions() == before and not Overtime.objects.exists()
    assert Plant.objects.get().plan_revision == revision


def test_committing_the_what_if_adds_the_overtime_and_re_plans_once(planner_client, sofa):
    query = _sofa_overtime(sofa)
    page = planner_client.get(PAGE, query)
    data = {**query, "revision": page.context["comparison"].revision, "query": ""}

    planner_client.post(reverse("production:what-if-commit"), data)
    again = planner_client.post(reverse("production:what-if-commit"), data, follow=True)

    assert Overtime.objects.count() == 1
    sofa.refresh_from_db()
    assert max(op.planned_end for op in sofa.operations.all()) <= sofa.due_at
    assert "The plan changed since this page was opened" in again.content.decode()


def test_a_downtime_what_if_makes_more_late_and_commits_a_downtime(planner_client, sofa):
    uph = WorkCenter.objects.get(code="uph-1")
    start = sofa.operations.get(code="upholster").planned_start
    query = {"kind": "downtime", "work_center": uph.pk, "start": start.strftime("%Y-%m-%dT%H:%M"),
             "end": (start + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")}  # fmt: skip
    page = planner_client.get(PAGE, query)
    comparison = page.context["comparison"]
    assert comparison.changed.load["uph-1"] <= comparison.live.load["uph-1"]

    planner_client.post(reverse("production:what-if-commit"), {**query, "revision": comparison.revision})

    assert Downtime.objects.filter(work_center=uph).count() == 1


def test_a_rush_what_if_and_a_hypothetical_new_order(planner_client, sofa):
    rush = planner_client.get(PAGE, {"kind": "rush", "work_order": sofa.pk})
    new = planner_client.get(PAGE, {"kind": "new", "family": "modular-sofa", "quantity": 2})

    assert rush.context["comparison"] is not None
    assert new.context["comparison"] is not None
    assert "only shows the capacity" in new.content.decode()
    planner_client.post(
        reverse("production:what-if-commit"),
        {"kind": "rush", "work_order": sofa.pk, "revision": rush.context["comparison"].revision},
    )
    assert WorkOrder.objects.get(pk=sofa.pk).weight == sofa.weight * 3


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"kind": "overtime", "start": "2030-01-01T10:00", "end": "2030-01-01T09:00"}, "end"),
        ({"kind": "downtime", "work_center": "999999", "start": "2030-01-01T10:00", "end": "2030-01-02T10:00"},
         "work_center"),
        ({"kind": "overtime", "work_center": "1", "start": "2030-01-01T10:00", "end": "2030-02-01T10:00"}, "end"),
        ({"kind": "overtime", "work_center": "1", "start": "yesterday", "end": "2030-01-01T10:00"}, "start"),
        ({"kind": "new", "family": "modular-sofa", "quantity": "100000"}, "quantity"),
        ({"kind": "new", "family": "modular-sofa", "quantity": "-1"}, "quantity"),
        ({"kind": "rush"}, "work_order"),
        ({"kind": "teleport"}, "kind"),
    ],
)  # fmt: skip
def test_out_of_range_input_is_a_form_error_and_nothing_is_planned(planner_client, query, field):
    response = planner_client.get(PAGE, query)

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert response.context["comparison"] is None
