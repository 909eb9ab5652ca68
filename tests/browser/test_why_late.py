"""A planner opens why the demo sofa is late and applies the overtime suggested; the re-plan
shows what moved and the sofa is on time (axe on the page before and after), then tries a
what-if with keyboard only."""

import re

from playwright.sync_api import expect

from portal.demo.production import promise_sofa_tighter
from production.models import Overtime, WorkOrder
from tests.browser.accessibility import assert_accessible
from tests.browser.signing_in import sign_in


def test_planner_opens_why_late_and_applies_the_overtime(shop, page):
    sofa = WorkOrder.objects.get(order__number="DEMO-2002", family_slug="modular-sofa")
    promise_sofa_tighter()
    sofa.refresh_from_db()

    sign_in(page, shop, "planner@atelier.example", "atelier-planner")
    page.goto(f"{shop}/dashboard/production/")
    page.get_by_role("link", name=re.compile("Why late")).click()
    expect(page.get_by_role("heading", name=re.compile(f"{sofa.number}"))).to_be_visible()
    section = page.locator(f"#why-{sofa.number}")
    expect(section.locator(".reason-words")).to_contain_text("is late by 2.0 h")
    expect(section).to_contain_text("Upholstery")
    assert_accessible(page)

    button = section.get_by_role("button", name=re.compile("Overtime on Upholstery"))
    button.focus()
    page.keyboard.press("Enter")

    expect(
        page.get_by_text(re.compile(r"Overtime added on Upholstery .* Re-planned: \d+ operations? moved"))
    ).to_be_visible()
    expect(page.get_by_role("heading", name="What moved in the re-plan")).to_be_visible()
    expect(page.locator("#moved")).to_contain_text("Upholster")
    # On time now, with less than a shift to spare: still listed, at risk, no longer late.
    expect(page.locator(f"#why-{sofa.number} .reason-words")).to_contain_text("is at risk")
    assert_accessible(page)
    assert Overtime.objects.count() == 1
    sofa.refresh_from_db()
    assert max(op.planned_end for op in sofa.operations.all()) <= sofa.due_at

    # What if the sofa were a rush order? Keyboard only, nothing saved.
    page.get_by_role("link", name="What if…").click()
    page.get_by_label("Kind").select_option("rush")
    page.get_by_label("Work order").select_option(str(sofa.pk))
    page.get_by_role("button", name="Compare with the live plan").press("Enter")
    expect(page.get_by_role("heading", name=re.compile("Live plan and what-if"))).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("Load per work center"))).to_be_visible()
    assert_accessible(page)
