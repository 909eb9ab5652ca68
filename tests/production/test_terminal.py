"""The shop-floor terminal (/floor/): who may use it, the scan box, start, pause, resume and finish
with quantities, a repeated tap that changes nothing, and worked time that leaves pauses out."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from production.models import Operation, ProductionEvent
from production.selectors.labour import finished_lines
from production.selectors.specification import changes_by_operation
from production.services import terminal
from production.services.floor import ProductionActionError
from tests.factories import CustomerFactory
from tests.helpers import at_once

pytestmark = pytest.mark.django_db
OPERATOR = "operator@atelier.example"


@pytest.fixture
def frame(sofa):
    """The sofa's first step, ready to start at the frame-and-foam center."""
    return sofa.operations.select_related("work_center", "work_order").get(code="frame")


@pytest.fixture
def operator(django_user_model):
    return django_user_model.objects.get(email=OPERATOR)


def url(op, action=""):
    base = f"/floor/{op.work_center.code}/operations/{op.pk}/"
    return f"{base}{action}/" if action else base


def events(op):
    return list(ProductionEvent.objects.filter(operation=op).values_list("kind", flat=True))


def said(response):
    return " ".join(str(message) for message in response.context["messages"])


# --- Who may use it --------------------------------------------------------------------------


@pytest.mark.parametrize("email", [OPERATOR, "planner@atelier.example", "admin@atelier.example"])
def test_operators_and_planners_use_the_terminal(login, email, frame):
    client = login(email)

    assert client.get("/floor/").status_code == 200
    assert client.get(f"/floor/{frame.work_center.code}/").status_code == 200
    assert client.get(url(frame)).status_code == 200


def test_signed_out_visitors_are_sent_to_sign_in(client, frame):
    response = client.get(f"/floor/{frame.work_center.code}/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/floor/")


@pytest.mark.parametrize("who", ["shopper", "editor"])
def test_shoppers_and_other_staff_are_refused_and_change_nothing(client, login, who, frame):
    if who == "shopper":
        client.force_login(CustomerFactory())
    else:
        login("editor@atelier.example")

    assert client.get("/floor/").status_code == 403
    assert client.get(url(frame)).status_code == 403
    assert client.post(url(frame, "start")).status_code == 403
    frame.refresh_from_db()
    assert frame.status == Operation.PLANNED and events(frame) == []


@pytest.mark.parametrize("path", ["/dashboard/", "/dashboard/production/", "/cms/", "/django-admin/"])
def test_the_operator_does_not_get_into_staff_areas(login, path):
    response = login(OPERATOR).get(path)

    assert response.status_code in (302, 403)
    assert response.status_code == 403 or "login" in response["Location"]


# --- The queue and the scan box --------------------------------------------------------------


def test_a_center_shows_its_queue(login, frame):
    response = login(OPERATOR).get(f"/floor/{frame.work_center.code}/")

    assert frame in response.context["queue"].next
    assert b"Build frame and foam" in response.content


@pytest.mark.parametrize("typed", ["ATELIER {number}", "{number}", " {lower} ", "{pk}", "WO{pk}"])
def test_a_traveler_code_opens_the_operation_at_this_center(login, frame, typed):
    work_order = frame.work_order
    code = typed.format(number=work_order.number, lower=work_order.number.lower(), pk=work_order.pk)

    response = login(OPERATOR).get(f"/floor/{frame.work_center.code}/", {"code": code})

    assert response.status_code == 302
    assert response["Location"] == url(frame)


def test_the_travelers_qr_code_holds_a_code_the_terminal_opens(frame, monkeypatch):
    from production import travelers
    from production.selectors.terminal import scan

    written = []
    monkeypatch.setattr(travelers, "qr_svg", lambda text: written.append(text) or "<svg></svg>")
    travelers.traveler_html(frame.work_order)

    assert scan(frame.work_center, written[0]).operation == frame
    assert "Scan at your work center's terminal" in travelers.traveler_html(frame.work_order)


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("WO-99999", "There is no work order WO-99999"),
        ("<script>alert(1)</script>", "is not a traveler code"),
        ("", "is not a traveler code"),
    ],
)
def test_an_unknown_code_says_so_and_opens_nothing(login, frame, code, words):
    response = login(OPERATOR).get(f"/floor/{frame.work_center.code}/", {"code": code})

    assert response.status_code == 404
    assert words in response.context["problem"]
    assert b"<script>alert(1)" not in response.content
    assert ProductionEvent.objects.filter(operation__work_order=frame.work_order).count() == 0


def test_another_centers_traveler_names_where_its_next_step_is(login, sofa):
    upholstery = sofa.operations.get(code="upholster").work_center
    other = sofa.operations.exclude(work_center=upholstery).exclude(code="upholster")
    sofa.operations.filter(code="upholster").update(work_center=other.first().work_center)

    response = login(OPERATOR).get(f"/floor/{upholstery.code}/", {"code": sofa.number})

    assert response.status_code == 404
    assert f"{sofa.number} has no step at {upholstery.name}" in response.context["problem"]


def test_a_finished_operations_traveler_says_it_is_finished(login, frame, operator):
    terminal.start(operation=frame, user=operator)
    terminal.finish(operation=frame, user=operator, good=1, scrap=0, reason="")
    before = events(frame)

    response = login(OPERATOR).get(f"/floor/{frame.work_center.code}/", {"code": frame.work_order.number})

    assert response.status_code == 404
    assert "is already finished" in response.context["problem"]
    assert events(frame) == before


def test_a_cancelled_orders_traveler_says_so(login, frame):
    frame.work_order.operations.update(status=Operation.WITHDRAWN)

    response = login(OPERATOR).get(f"/floor/{frame.work_center.code}/", {"code": frame.work_order.number})

    assert "was cancelled" in response.context["problem"]


def test_an_operation_of_another_center_is_not_opened_there(login, sofa, frame):
    sew = sofa.operations.get(code="sew")

    assert login(OPERATOR).get(f"/floor/{frame.work_center.code}/operations/{sew.pk}/").status_code == 404
    assert login(OPERATOR).post(f"/floor/{frame.work_center.code}/operations/{sew.pk}/start/").status_code == 404


# --- The operation page and its actions -------------------------------------------------------


def test_the_operation_page_reads_the_specification_in_words(login, frame):
    response = login(OPERATOR).get(url(frame))

    assert ("Seat modules", "3 seats") in response.context["specification"]
    assert b"Moss weave" in response.content
    assert b"modules True" not in response.content


def test_what_the_choices_change_at_this_step_is_shown(login, sofa):
    upholster = sofa.operations.select_related("work_center").get(code="upholster")

    expected = changes_by_operation(sofa, [upholster])[upholster.pk]

    response = login(OPERATOR).get(url(upholster))

    assert expected and response.context["changes"] == expected
    assert all(line in response.content.decode() for line in expected)


def test_start_then_a_repeated_tap_changes_nothing(login, frame):
    client = login(OPERATOR)

    first = client.post(url(frame, "start"), follow=True)
    second = client.post(url(frame, "start"), follow=True)

    frame.refresh_from_db()
    assert frame.status == Operation.STARTED and frame.actual_start is not None
    assert "started" in said(first)
    assert "already started" in said(second) and "nothing changed" in said(second)
    assert events(frame) == ["started"]


def test_a_step_waiting_for_another_does_not_start(login, sofa):
    sew = sofa.operations.select_related("work_center").get(code="sew")

    response = login(OPERATOR).post(url(sew, "start"), follow=True)

    sew.refresh_from_db()
    assert sew.status == Operation.PLANNED
    assert "cannot start before Cut fabric" in said(response)


def test_pause_resume_and_their_repeats(login, frame, operator):
    client = login(OPERATOR)
    terminal.start(operation=frame, user=operator)

    client.post(url(frame, "pause"))
    again = client.post(url(frame, "pause"), follow=True)
    frame.refresh_from_db()
    assert frame.paused_at is not None and "already paused" in said(again)

    client.post(url(frame, "resume"))
    again = client.post(url(frame, "resume"), follow=True)
    frame.refresh_from_db()
    assert frame.paused_at is None and "already running" in said(again)
    assert events(frame) == ["started", "paused", "resumed"]


def test_a_planned_operation_does_not_pause(login, frame):
    response = login(OPERATOR).post(url(frame, "pause"), follow=True)

    frame.refresh_from_db()
    assert frame.paused_at is None and "only a running operation pauses" in said(response)


def test_finish_records_good_and_scrap_with_the_reason(login, frame, operator):
    frame.work_order.__class__.objects.filter(pk=frame.work_order_id).update(quantity=4)
    frame.refresh_from_db()
    terminal.start(operation=frame, user=operator)
    client = login(OPERATOR)

    response = client.post(url(frame, "finish"), {"good": "3", "scrap": "1", "reason": "Foam torn <b>"}, follow=True)
    again = client.post(url(frame, "finish"), {"good": "3", "scrap": "1", "reason": "Foam torn"}, follow=True)

    frame.refresh_from_db()
    assert (frame.status, frame.good_quantity, frame.scrap_quantity) == (Operation.FINISHED, 3, 1)
    assert frame.scrap_reason == "Foam torn <b>"
    assert "finished: 3 good, 1 scrapped" in said(response)
    assert "already finished" in said(again)
    assert events(frame) == ["started", "finished"]
    assert b"Foam torn <b>" not in again.content


@pytest.mark.parametrize(
    ("form", "words"),
    [
        ({"good": "2", "scrap": "0"}, "Good pieces are between 0 and 1"),
        ({"good": "-1", "scrap": "0"}, "Good pieces: give a whole number"),
        ({"good": "one", "scrap": "0"}, "Good pieces: give a whole number"),
        ({"good": "", "scrap": "0"}, "Good pieces: give a whole number"),
        ({"good": "1", "scrap": "-2"}, "Scrapped pieces: give a whole number"),
        ({"good": "0", "scrap": "1", "reason": "  "}, "Say why"),
        ({"good": "0", "scrap": "0"}, "Give the good pieces"),
    ],
)
def test_out_of_range_quantities_are_refused_and_change_nothing(login, frame, operator, form, words):
    terminal.start(operation=frame, user=operator)

    response = login(OPERATOR).post(url(frame, "finish"), form, follow=True)

    frame.refresh_from_db()
    assert frame.status == Operation.STARTED and frame.good_quantity is None
    assert words in said(response) and "Nothing changed" in said(response)
    assert events(frame) == ["started"]


def test_an_unknown_action_changes_nothing(login, frame):
    response = login(OPERATOR).post(url(frame, "explode"), follow=True)

    frame.refresh_from_db()
    assert frame.status == Operation.PLANNED and "Unknown action" in said(response)


def test_actions_need_the_csrf_token(operator, frame):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(operator)

    assert client.post(url(frame, "start")).status_code == 403


def test_a_rival_tap_between_check_and_write_is_answered_already(frame, operator):
    stale = Operation.objects.select_related("work_order", "work_center").get(pk=frame.pk)
    terminal.start(operation=frame, user=operator)

    outcome = terminal.start(operation=stale, user=operator)

    assert not outcome.changed and "already started" in outcome.message
    assert events(frame) == ["started"]


def test_a_rival_pause_with_a_stale_page_is_refused(frame, operator):
    terminal.start(operation=frame, user=operator)
    stale = Operation.objects.select_related("work_order").get(pk=frame.pk)
    terminal.pause(operation=frame, user=operator)
    terminal.resume(operation=Operation.objects.select_related("work_order").get(pk=frame.pk), user=operator)

    # The stale copy still thinks it is running: pausing it is a new pause, not a lost one.
    outcome = terminal.pause(operation=stale, user=operator)
    assert outcome.changed


# --- Worked time ------------------------------------------------------------------------------


def test_worked_minutes_leave_pauses_out(sofa, operator):
    t0 = timezone.now().replace(microsecond=0)
    frame = sofa.operations.select_related("work_order", "work_center").get(code="frame")
    sofa.operations.exclude(pk=frame.pk).update(
        status=Operation.FINISHED, actual_start=t0, actual_end=t0 + timedelta(minutes=5)
    )

    terminal.start(operation=frame, user=operator, now=t0)
    terminal.pause(operation=frame, user=operator, now=t0 + timedelta(minutes=10))
    frame.refresh_from_db()
    terminal.resume(operation=frame, user=operator, now=t0 + timedelta(minutes=30))
    frame.refresh_from_db()
    terminal.pause(operation=frame, user=operator, now=t0 + timedelta(minutes=50))
    frame.refresh_from_db()
    # Finished while paused: the open pause ends at the finish and is not worked time either.
    terminal.finish(operation=frame, user=operator, good=1, scrap=0, reason="", now=t0 + timedelta(minutes=60))

    frame.refresh_from_db()
    assert frame.paused_seconds == 30 * 60 and frame.paused_at is None
    worked = {step.code: step.minutes for step in finished_lines([sofa.line_id])[sofa.line_id]}
    assert worked["frame"] == 30


def test_finish_without_quantities_from_the_planners_board_still_works(frame, operator):
    from production.services.floor import finish_operation, start_operation

    start_operation(operation=frame, user=operator)
    frame.refresh_from_db()
    finish_operation(operation=frame, user=operator)

    frame.refresh_from_db()
    assert frame.status == Operation.FINISHED and frame.good_quantity is None


def test_parse_count_refuses_huge_numbers():
    with pytest.raises(ProductionActionError):
        terminal.parse_count("9999999", "Good pieces")


def test_a_start_or_finish_replans_and_a_repeat_or_a_pause_does_not(
    login, frame, monkeypatch, django_capture_on_commit_callbacks
):
    from production import tasks

    triggers = []
    monkeypatch.setattr(tasks.replan_plant, "delay", lambda plant_id, trigger: triggers.append(trigger))
    client = login(OPERATOR)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(frame, "start"))
        client.post(url(frame, "start"))
        client.post(url(frame, "pause"))
        client.post(url(frame, "finish"), {"good": "1", "scrap": "0"})
        client.post(url(frame, "finish"), {"good": "1", "scrap": "0"})

    assert triggers == [f"{frame} start on the floor", f"{frame} finish on the floor"]


def test_the_planners_board_shows_a_pause_and_the_scrap(login, frame, operator):
    day = frame.planned_start.date().isoformat()
    terminal.start(operation=frame, user=operator)
    terminal.pause(operation=frame, user=operator)
    board = login("planner@atelier.example").get(f"/dashboard/production/?view=week&day={day}").content.decode()
    assert "Started, paused since" in board

    terminal.finish(operation=frame, user=operator, good=0, scrap=1, reason="Foam torn")
    board = login("planner@atelier.example").get(f"/dashboard/production/?view=week&day={day}").content.decode()
    assert "Finished (1 scrapped)" in board


def _fresh(op):
    return Operation.objects.select_related("work_order", "work_center").get(pk=op.pk)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's row locks and real concurrency")
def test_six_taps_of_finish_at_once_finish_once_and_the_others_are_told(committed_demo_shop, sofa, operator):
    frame = sofa.operations.get(code="frame")
    terminal.start(operation=_fresh(frame), user=operator)
    terminal.pause(operation=_fresh(frame), user=operator)
    copies = [_fresh(frame) for _ in range(6)]

    outcomes = at_once(lambda op: terminal.finish(operation=op, user=operator, good=1, scrap=0, reason=""), copies)

    assert [outcome.changed for outcome in outcomes].count(True) == 1
    assert all("already finished" in outcome.message for outcome in outcomes if not outcome.changed)
    assert events(frame).count("finished") == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's row locks and real concurrency")
def test_six_taps_of_resume_at_once_count_the_pause_once(committed_demo_shop, sofa, operator):
    frame = sofa.operations.get(code="frame")
    began = timezone.now() - timedelta(minutes=30)
    terminal.start(operation=_fresh(frame), user=operator, now=began)
    terminal.pause(operation=_fresh(frame), user=operator, now=began + timedelta(minutes=10))
    copies = [_fresh(frame) for _ in range(6)]

    outcomes = at_once(
        lambda op: terminal.resume(operation=op, user=operator, now=began + timedelta(minutes=20)), copies
    )

    assert [outcome.changed for outcome in outcomes].count(True) == 1
    frame.refresh_from_db()
    assert (frame.paused_at, frame.paused_seconds) == (None, 600)
    assert events(frame).count("resumed") == 1
