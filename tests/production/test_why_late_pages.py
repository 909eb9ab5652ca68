"""The why-late page: who may see it, the demo sofa's reason and suggestions, one click applies
the overtime and re-plans; a second click, a stale page, an overlap or an inverted span change nothing."""

from datetime import timedelta

import pytest
from django.urls import reverse

from portal.demo.production import promise_sofa_tighter
from production.models import Overtime, Plant, WorkOrder
from production.selectors.board import default_plant
from production.selectors.lateness import why_late

pytestmark = pytest.mark.django_db
PAGE = reverse("production:why-late")


@pytest.fixture
def late_sofa(sofa):
    promise_sofa_tighter()
    sofa.refresh_from_db()
    return sofa


def _end(work_order):
    return max(op.planned_end for op in work_order.operations.all())


def _overtime_form(reason):
    suggestion = next(s for s in reason.suggestions if s.kind == "overtime")
    data = {"kind": "overtime", "work_center": suggestion.work_center.pk, "revision": default_plant().plan_revision}
    data["start"] = [a.isoformat() for a, _ in suggestion.spans]
    data["end"] = [b.isoformat() for _, b in suggestion.spans]
    return suggestion, data


@pytest.mark.parametrize(("email", "expected"), [("planner@atelier.example", 200), ("editor@atelier.example", 403)])
def test_why_late_is_for_planners(login, email, expected):
    assert login(email).get(PAGE).status_code == expected


def test_other_staff_cannot_apply_a_fix(login, late_sofa):
    due = late_sofa.due_at
    response = login("editor@atelier.example").post(
        reverse("production:apply-fix", args=[late_sofa.pk]),
        {
            "kind": "promise",
            "due": (due + timedelta(days=1)).isoformat(),
            "revision": Plant.objects.get().plan_revision,
        },
    )

    assert response.status_code == 403
    assert WorkOrder.objects.get(pk=late_sofa.pk).due_at == due


def test_signed_out_visitors_sign_in_first(client, late_sofa):
    assert client.get(PAGE).status_code == 302
    response = client.post(reverse("production:apply-fix", args=[late_sofa.pk]), {"kind": "promise"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_sofa_is_late_because_its_upholstery_does_not_fit_before_the_shift_ends(late_sofa):
    (reason,) = [r for r in why_late(default_plant()) if r.work_order == late_sofa]

    assert reason.late_minutes == 120
    assert reason.operation.code == "upholster"
    assert reason.bottleneck.code.startswith("uph-")
    kinds = [s.kind for s in reason.suggestions]
    assert kinds[0] == "overtime" and kinds[-1] == "promise"
    overtime = reason.suggestions[0]
    assert overtime.fixes_it
    assert overtime.spans[0][0].astimezone().hour in (15, 16)  # right after the 15:30 shift end (plant time)


def test_the_page_says_why_in_words_and_offers_the_buttons(login, late_sofa):
    body = login("planner@atelier.example").get(PAGE).content.decode()

    assert f"{late_sofa.number} is late by 2.0 h" in body
    assert "Overtime on Upholstery" in body
    assert 'name="csrfmiddlewaretoken"' in body


def test_applying_the_overtime_re_plans_and_the_sofa_is_on_time_and_a_second_click_changes_nothing(login, late_sofa):
    client = login("planner@atelier.example")
    (reason,) = [r for r in why_late(default_plant()) if r.work_order == late_sofa]
    suggestion, data = _overtime_form(reason)
    url = reverse("production:apply-fix", args=[late_sofa.pk])

    response = client.post(url, data, follow=True)

    assert Overtime.objects.filter(work_center=suggestion.work_center).count() == len(suggestion.spans)
    assert _end(late_sofa) <= late_sofa.due_at
    body = response.content.decode()
    assert "What moved in the re-plan" in body and "Upholster" in body
    revision = Plant.objects.get().plan_revision

    again = client.post(url, data, follow=True)

    assert "The plan changed since this page was opened" in again.content.decode()
    assert Overtime.objects.count() == len(suggestion.spans)
    assert Plant.objects.get().plan_revision == revision


def test_overlapping_or_inverted_overtime_is_refused(login, late_sofa):
    client = login("planner@atelier.example")
    (reason,) = [r for r in why_late(default_plant()) if r.work_order == late_sofa]
    suggestion, data = _overtime_form(reason)
    start = suggestion.spans[0][0]
    Overtime.objects.create(
        work_center=suggestion.work_center, start=start - timedelta(minutes=30), end=start + timedelta(minutes=30)
    )
    url = reverse("production:apply-fix", args=[late_sofa.pk])

    overlapping = client.post(url, {**data, "revision": Plant.objects.get().plan_revision}, follow=True)
    inverted = client.post(
        url,
        {**data, "start": data["end"], "end": data["start"], "revision": Plant.objects.get().plan_revision},
        follow=True,
    )

    assert "overlaps it; nothing was added" in overlapping.content.decode()
    assert "Overtime ends after it starts" in inverted.content.decode()
    assert Overtime.objects.count() == 1


def test_a_later_promise_moves_the_due_time_to_the_planned_end_once(login, late_sofa):
    client = login("planner@atelier.example")
    (reason,) = [r for r in why_late(default_plant()) if r.work_order == late_sofa]
    promise = reason.suggestions[-1]
    data = {"kind": "promise", "due": promise.new_due.isoformat(), "revision": Plant.objects.get().plan_revision}
    url = reverse("production:apply-fix", args=[late_sofa.pk])

    client.post(url, data)
    second = client.post(url, data, follow=True)

    assert WorkOrder.objects.get(pk=late_sofa.pk).due_at == promise.new_due
    assert "A later promise comes after the present one" in second.content.decode()
    assert not [r for r in why_late(default_plant()) if r.work_order == late_sofa and not r.at_risk]


def test_a_stale_page_and_an_unknown_suggestion_are_refused(login, late_sofa):
    client = login("planner@atelier.example")
    url = reverse("production:apply-fix", args=[late_sofa.pk])
    due = late_sofa.due_at

    stale = client.post(
        url, {"kind": "promise", "due": (due + timedelta(days=1)).isoformat(), "revision": 0}, follow=True
    )
    unknown = client.post(url, {"kind": "bribe", "revision": Plant.objects.get().plan_revision}, follow=True)

    assert "The plan changed since" in stale.content.decode()
    assert "Unknown suggestion" in unknown.content.decode()
    assert WorkOrder.objects.get(pk=late_sofa.pk).due_at == due


def test_the_board_links_to_why_late(login, late_sofa):
    body = login("planner@atelier.example").get("/dashboard/production/").content.decode()
    assert PAGE in body


def test_overtime_of_several_spans_is_added_whole_or_not_at_all(login, late_sofa):
    client = login("planner@atelier.example")
    (reason,) = [r for r in why_late(default_plant()) if r.work_order == late_sofa]
    suggestion, data = _overtime_form(reason)
    start, end = suggestion.spans[0]
    later = (end + timedelta(hours=2), end + timedelta(hours=3))
    Overtime.objects.create(work_center=suggestion.work_center, start=later[0], end=later[1])
    # The first span is free, the second overlaps the overtime already there.
    data["start"], data["end"] = [start.isoformat(), later[0].isoformat()], [end.isoformat(), later[1].isoformat()]

    answer = client.post(reverse("production:apply-fix", args=[late_sofa.pk]), data, follow=True)

    assert "overlaps it; nothing was added" in answer.content.decode()
    assert Overtime.objects.count() == 1
