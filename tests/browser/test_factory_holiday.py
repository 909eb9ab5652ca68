"""A planner adds a holiday from the dashboard and sees the plan move off that day (axe on the pages)."""

import re
from datetime import datetime, time, timedelta

from django.utils import timezone
from playwright.sync_api import expect

from production import planning
from production.models import Calendar, Holiday, Operation, WorkCenter
from tests.browser.accessibility import assert_accessible
from tests.browser.signing_in import sign_in


def test_planner_adds_a_holiday_and_the_plan_moves(shop, page):
    day_shift = Calendar.objects.get(name="Day shift")
    zone = planning.plant_zone()
    tomorrow = datetime.combine(timezone.localdate() + timedelta(days=1), time(0), zone)
    op = (
        Operation.objects.filter(work_center__calendar=day_shift, status=Operation.PLANNED, planned_start__gte=tomorrow)
        .order_by("planned_start")
        .first()
    )
    day = op.planned_start.astimezone(zone).date()
    board_of_the_day = f"{shop}/dashboard/production/?view=day&day={day.isoformat()}"

    sign_in(page, shop, "planner@atelier.example", "atelier-planner")
    page.goto(board_of_the_day)
    expect(page.locator(f'svg.gantt [data-operation="{op.pk}"]')).to_have_count(1)

    page.get_by_role("link", name="Factory: calendars, work centers, routings").click()
    expect(page.get_by_role("heading", name="Factory")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("region", name="Calendars").get_by_role("link", name="Day shift").click()
    expect(page.get_by_role("heading", name="Calendar: Day shift")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Holiday date").fill(day.isoformat())
    page.get_by_label("Holiday name").fill("Stocktake")
    page.get_by_role("button", name="Add holiday").click()
    expect(
        page.get_by_text(re.compile(f"Day shift is closed on {day:%a %d %b %Y}; its planned work moves"))
    ).to_be_visible()
    expect(page.get_by_role("cell", name="Stocktake")).to_be_visible()
    assert_accessible(page)
    assert Holiday.objects.filter(calendar=day_shift, date=day).exists()

    # The same holiday again: refused, with the reason.
    page.get_by_label("Holiday date").fill(day.isoformat())
    page.get_by_role("button", name="Add holiday").click()
    expect(page.get_by_text(re.compile("is already a holiday on Day shift \\(Stocktake\\)"))).to_be_visible()

    page.goto(board_of_the_day)
    expect(page.locator(f'svg.gantt [data-operation="{op.pk}"]')).to_have_count(0)
    op.refresh_from_db()
    moved_to = op.planned_start.astimezone(zone).date()
    assert moved_to != day
    page.goto(f"{shop}/dashboard/production/?view=day&day={moved_to.isoformat()}")
    expect(page.locator(f'svg.gantt [data-operation="{op.pk}"]')).to_have_count(1)


def test_planner_edits_a_routing_and_a_work_center(shop, page):
    sign_in(page, shop, "planner@atelier.example", "atelier-planner")
    page.goto(f"{shop}/dashboard/production/factory/")
    page.get_by_role("region", name="Routings").get_by_role("link", name="Fridge").click()
    expect(page.get_by_role("heading", name="Routing: Fridge (atelier-fridge)")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Minutes of step 2", exact=True).fill("70")
    page.get_by_role("button", name="Save routing").click()
    expect(page.get_by_text(re.compile("Fridge saved as revision 1"))).to_be_visible()
    expect(page.locator("#revision-1")).to_contain_text("v1")
    expect(page.locator("#revision-0")).to_contain_text("as it stood before the first edit in the dashboard")
    assert_accessible(page)

    page.goto(f"{shop}/dashboard/production/factory/")
    page.get_by_role("region", name="Work centers").get_by_role("link", name="CNC cutting").click()
    expect(page.get_by_role("heading", name=re.compile("Work center: CNC cutting"))).to_be_visible()
    assert_accessible(page)
    page.get_by_role("spinbutton", name="Capacity").fill("2")
    page.get_by_role("checkbox", name="Fridge: Cut cabinet panels").uncheck()
    page.get_by_role("button", name="Save work center").click()
    expect(page.get_by_text(re.compile("step “Cut cabinet panels” would have no eligible work center"))).to_be_visible()
    assert WorkCenter.objects.get(code="cut").capacity == 1  # nothing changed
    assert_accessible(page)
