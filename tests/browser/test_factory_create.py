"""A planner adds a plant, a calendar with its week and a work center on it from the dashboard;
a calendar whose shifts overlap is refused with the reason (axe on each page)."""

import re

from playwright.sync_api import expect

from production.models import Calendar, Plant, WorkCenter
from tests.browser.accessibility import assert_accessible
from tests.browser.signing_in import sign_in


def test_planner_adds_a_plant_a_calendar_and_a_work_center(shop, page):
    sign_in(page, shop, "planner@atelier.example", "atelier-planner")
    page.goto(f"{shop}/dashboard/production/factory/")
    assert_accessible(page)

    page.get_by_label("New plant's code").fill("leeds")
    page.get_by_label("New plant's name").fill("Leeds workshop")
    page.get_by_role("button", name="Add plant").click()
    expect(page.get_by_text("Plant Leeds workshop (leeds) added; add its work centers below.")).to_be_visible()
    assert Plant.objects.filter(code="leeds", name="Leeds workshop").exists()

    page.get_by_role("link", name="Add a calendar").click()
    expect(page.get_by_role("heading", name="New calendar")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Calendar name").fill("Evenings")
    for row, (start, end) in enumerate([("16:00", "22:00"), ("21:00", "23:00")], start=1):
        page.get_by_label(f"Day of shift {row}", exact=True).select_option(label="Monday")
        page.get_by_label(f"Start of shift {row}", exact=True).fill(start)
        page.get_by_label(f"End of shift {row}", exact=True).fill(end)
    page.get_by_role("button", name="Add calendar").click()
    expect(page.get_by_text(re.compile("Monday's shifts 16:00–22:00 and 21:00–23:00 overlap."))).to_be_visible()
    assert not Calendar.objects.filter(name="Evenings").exists()

    page.get_by_label("Day of shift 2", exact=True).select_option(label="Tuesday")
    page.get_by_role("button", name="Add calendar").click()
    expect(page.get_by_role("heading", name="Calendar: Evenings")).to_be_visible()
    expect(page.get_by_text("Calendar Evenings added.")).to_be_visible()
    assert sorted(Calendar.objects.get(name="Evenings").shifts.values_list("weekday", flat=True)) == [0, 1]

    page.goto(f"{shop}/dashboard/production/factory/")
    page.get_by_role("link", name="Add a work center").click()
    expect(page.get_by_role("heading", name="New work center")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Plant", exact=True).select_option(label="Leeds workshop")
    page.get_by_label("Code", exact=True).fill("leeds-bench")
    page.get_by_label("Name", exact=True).fill("Leeds bench")
    page.get_by_label("Capacity", exact=True).fill("2")
    page.get_by_label("Rate per hour", exact=True).fill("40")
    page.get_by_label("Calendar", exact=True).select_option(label="Evenings")
    page.get_by_role("button", name="Add work center").click()
    expect(page.get_by_role("heading", name="Work center: Leeds bench (leeds-bench)")).to_be_visible()
    expect(page.get_by_text(re.compile("It may run no routing step yet, so the plan gives it no work"))).to_be_visible()
    assert_accessible(page)
    center = WorkCenter.objects.get(code="leeds-bench")
    assert (center.plant.code, center.calendar.name, center.capacity) == ("leeds", "Evenings", 2)
