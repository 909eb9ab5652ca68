"""The planner board: who may see it, what it shows, and each action recorded with user and time."""

import re
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_model
from pypdf import PdfReader

from production import tasks, travelers
from production.models import Operation, PlanRun, ProductionEvent, TravelerBatch
from production.selectors.board import orders_at_risk
from production.selectors.progress import order_progress
from production.services.replanning import replan
from tests.factories import CustomerFactory, OrderFactory

pytestmark = pytest.mark.django_db
Order = get_model("order", "Order")
BOARD = "/dashboard/production/"


@pytest.fixture
def planner_client(login):
    return login("planner@atelier.example")


def planned_day(work_order):
    return work_order.operations.order_by("planned_start").first().planned_start.date().isoformat()


# --- Who may see it ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("email", "expected"),
    [
        ("planner@atelier.example", 200),
        ("admin@atelier.example", 200),  # a superuser holds every permission
        ("editor@atelier.example", 403),
    ],
)
def test_the_board_is_for_planners_only(login, email, expected):
    assert login(email).get(BOARD).status_code == expected


def test_the_board_is_not_for_customers(client):
    client.force_login(CustomerFactory())

    assert client.get(BOARD).status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(BOARD)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/dashboard/production/")


@pytest.mark.parametrize(
    "url",
    [
        reverse("production:replan"),
        reverse("production:freeze", args=[1]),
        reverse("production:move", args=[1]),
        reverse("production:status", args=[1]),
        reverse("production:print-day"),
    ],
)
def test_other_staff_cannot_act(login, url):
    runs = PlanRun.objects.count()

    response = login("editor@atelier.example").post(url, {"action": "start"})

    assert response.status_code == 403
    assert PlanRun.objects.count() == runs


def test_actions_need_the_csrf_token(django_user_model, sofa):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(django_user_model.objects.get(email="planner@atelier.example"))

    response = client.post(reverse("production:replan"))

    assert response.status_code == 403


def test_the_dashboard_menu_shows_the_board_to_planners_only(login):
    assert b"/dashboard/production/" in login("planner@atelier.example").get("/dashboard/").content


# --- What it shows -------------------------------------------------------------------------


def test_the_board_draws_each_planned_operation_on_its_work_center(planner_client, sofa):
    response = planner_client.get(BOARD, {"view": "week", "day": planned_day(sofa)})

    content = response.content.decode()
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="gantt"' in content
    drawn = {int(pk) for pk in re.findall(r'data-operation="(\d+)"', content)}
    assert set(sofa.operations.values_list("pk", flat=True)) <= drawn
    assert sofa.operations.count() >= 3
    assert "Load per work center" in content
    assert "Late orders" in content


def test_a_bad_date_falls_back_to_today_with_a_message(planner_client):
    response = planner_client.get(BOARD, {"view": "month", "day": "yesterday"}, follow=True)

    assert response.status_code == 200
    assert "Unknown view or date; showing today." in response.content.decode()


def test_a_failed_plan_is_shown_on_the_board(planner_client, sofa):
    sofa.operations.get(code="frame").after.add(sofa.operations.get(code="pack"))
    replan(trigger="test")

    content = planner_client.get(BOARD).content.decode()

    assert 'id="planning-error"' in content
    assert "Planning failed, the previous plan is kept" in content


# --- Actions -------------------------------------------------------------------------------


def test_replan_now_records_a_run_by_the_planner(planner_client, django_user_model):
    response = planner_client.post(reverse("production:replan"), {"view": "day", "day": "2026-01-05"})

    assert response.status_code == 302
    run = PlanRun.objects.first()
    assert (run.outcome, run.trigger, run.user.email) == (PlanRun.OK, "re-plan now", "planner@atelier.example")


def test_moving_an_operation_to_another_eligible_work_center(planner_client, sofa):
    upholster = sofa.operations.get(code="upholster")
    other = upholster.alternatives.exclude(work_center=upholster.work_center).get().work_center

    planner_client.post(reverse("production:move", args=[upholster.pk]), {"work_center": other.pk})

    upholster.refresh_from_db()
    assert (upholster.work_center, upholster.pinned) == (other, True)
    event = ProductionEvent.objects.get(kind="moved", operation=upholster)
    assert event.user.email == "planner@atelier.example"
    assert event.at is not None


def test_moving_to_an_unknown_work_center_changes_nothing(planner_client, sofa):
    upholster = sofa.operations.get(code="upholster")
    before = upholster.work_center_id

    response = planner_client.post(
        reverse("production:move", args=[upholster.pk]), {"work_center": "not-a-number"}, follow=True
    )

    upholster.refresh_from_db()
    assert upholster.work_center_id == before
    assert "Choose a work center." in response.content.decode()


def test_start_finish_and_block_from_the_board(planner_client, sofa):
    frame = sofa.operations.get(code="frame")
    sew = sofa.operations.get(code="sew")

    planner_client.post(reverse("production:status", args=[frame.pk]), {"action": "start"})
    planner_client.post(reverse("production:status", args=[frame.pk]), {"action": "finish"})
    planner_client.post(reverse("production:status", args=[sew.pk]), {"action": "block"})

    frame.refresh_from_db()
    sew.refresh_from_db()
    assert (frame.status, sew.status) == (Operation.FINISHED, Operation.BLOCKED)
    assert Order.objects.get(pk=sofa.order_id).status == "In production"
    kinds = list(ProductionEvent.objects.filter(work_order=sofa, user__isnull=False).values_list("kind", flat=True))
    assert kinds == ["started", "finished", "blocked"]


def test_an_unknown_action_is_refused_with_a_message(planner_client, sofa):
    frame = sofa.operations.get(code="frame")

    response = planner_client.post(reverse("production:status", args=[frame.pk]), {"action": "explode"}, follow=True)

    frame.refresh_from_db()
    assert frame.status == Operation.PLANNED
    assert "Unknown action." in response.content.decode()


def test_freezing_a_work_order_keeps_it_through_a_replan(planner_client, sofa):
    before = list(sofa.operations.values_list("work_center_id", "planned_start"))

    planner_client.post(reverse("production:freeze", args=[sofa.pk]), {"frozen": "1"})
    replan(trigger="test")

    sofa.refresh_from_db()
    assert sofa.frozen
    assert list(sofa.operations.values_list("work_center_id", "planned_start")) == before
    assert ProductionEvent.objects.filter(kind="frozen", work_order=sofa).exists()


# --- Travelers -----------------------------------------------------------------------------


def test_a_traveler_lists_the_specification_and_operations_with_a_qr_code(planner_client, sofa):
    response = planner_client.get(reverse("production:traveler", args=[sofa.pk]))

    assert response["Content-Type"] == "application/pdf"
    text = PdfReader(BytesIO(response.content)).pages[0].extract_text()
    assert sofa.number in text
    assert "modules" in text and "Upholster" in text
    assert "<svg" in travelers.traveler_html(sofa)


def test_a_traveler_is_for_planners_only(client, sofa):
    client.force_login(CustomerFactory())

    assert client.get(reverse("production:traveler", args=[sofa.pk])).status_code == 403


def test_batch_print_of_a_day_renders_every_work_order_starting_that_day(
    planner_client, sofa, django_capture_on_commit_callbacks
):
    day = planned_day(sofa)

    with django_capture_on_commit_callbacks(execute=True):
        response = planner_client.post(reverse("production:print-day"), {"day": day})

    batch = TravelerBatch.objects.get()
    assert response["Location"] == reverse("production:batch", args=[batch.pk])
    status = planner_client.get(response["Location"], {"format": "json"}).json()
    assert status["state"] == "done"
    assert status["done"] == status["total"] >= 1
    pdf = planner_client.get(status["pdf"])
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")


def test_batch_print_with_a_bad_day_is_refused(planner_client):
    response = planner_client.post(reverse("production:print-day"), {"day": "31/02"}, follow=True)

    assert not TravelerBatch.objects.exists()
    assert "Give the day to print as YYYY-MM-DD." in response.content.decode()


# --- The shopper's side --------------------------------------------------------------------


@pytest.fixture
def sofa_order():
    """A customer's sofa, paid and released to production."""
    sofa = ("modular-sofa", {"modules": 3, "width": 220, "depth": 95, "fabric": "moss"}, 1)
    order = OrderFactory(configured=[sofa])
    tasks.release_paid_order(order.pk)
    return order


def test_the_shoppers_order_page_shows_promised_and_planned_dates(client, sofa_order):
    progress = order_progress(order_id=sofa_order.pk)
    client.force_login(sofa_order.user)

    content = client.get(f"/accounts/orders/{sofa_order.number}/").content.decode()

    assert content.count('class="timeline__promise') == 1
    assert f"Promised to ship by {progress.promised_ship_date:%A} {progress.promised_ship_date.day}" in content
    assert f"on plan for {progress.planned_ship_date:%A} {progress.planned_ship_date.day}" in content
    assert "The Modular Sofa: scheduled in the workshop" in content


def test_another_shopper_cannot_see_the_order(client, sofa_order):
    client.force_login(CustomerFactory())

    assert client.get(f"/accounts/orders/{sofa_order.number}/").status_code == 404


def test_a_work_center_going_down_moves_its_work_out_of_the_downtime(planner_client, sofa):
    frame = sofa.operations.get(code="frame")
    start, end = frame.planned_start, frame.planned_end

    response = planner_client.post(
        reverse("production:downtime"),
        {
            "work_center": frame.work_center_id,
            "start": timezone.localtime(start).strftime("%Y-%m-%dT%H:%M"),
            "end": timezone.localtime(end).strftime("%Y-%m-%dT%H:%M"),
            "reason": "spindle fault",
        },
        follow=True,
    )

    frame.refresh_from_db()
    assert "the plan works around it" in response.content.decode()
    assert frame.planned_start >= end or frame.planned_end <= start
    assert ProductionEvent.objects.filter(kind="downtime", user__email="planner@atelier.example").exists()


def test_a_downtime_without_dates_is_refused(planner_client, sofa):
    response = planner_client.post(reverse("production:downtime"), {"work_center": "1", "start": "soon"}, follow=True)

    assert "give the start and end of the downtime" in response.content.decode()


def test_at_risk_counts_working_time_not_clock_time(sofa):
    """Finishing on Friday evening for Monday 08:00 leaves only Monday's first shift hours."""
    from datetime import datetime, timedelta

    from production.planning import plant_zone

    zone = plant_zone()
    monday = timezone.localdate() + timedelta(days=7 - timezone.localdate().weekday())
    friday_evening = datetime.combine(monday - timedelta(days=3), datetime.min.time(), zone) + timedelta(hours=21)
    sofa.operations.update(planned_start=friday_evening - timedelta(hours=1), planned_end=friday_evening)
    sofa.due_at = datetime.combine(monday, datetime.min.time(), zone) + timedelta(hours=8)
    sofa.save(update_fields=["due_at"])

    late, at_risk = orders_at_risk(sofa.plant)
    assert sofa.pk in [s.work_order.pk for s in at_risk]  # 59 clock hours, at most 2 working hours

    sofa.due_at += timedelta(days=2)  # Wednesday 08:00: two days of shifts to spare
    sofa.save(update_fields=["due_at"])
    late, at_risk = orders_at_risk(sofa.plant)
    assert sofa.pk not in [s.work_order.pk for s in at_risk + late]
