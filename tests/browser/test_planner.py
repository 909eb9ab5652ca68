"""A planner works the board; the shopper then sees the order in production with its planned date.

The board is scanned with axe as the planner meets it and after an operation has started (the
started colour shows then), so no critical or serious violation hides in either state.
"""

import re
from pathlib import Path

from playwright.sync_api import expect

from production.models import WorkOrder
from tests.browser.accessibility import assert_accessible
from tests.browser.signing_in import sign_in


def test_planner_moves_replans_prints_and_the_shopper_sees_production(shop, page, browser, live_server):
    sofa = WorkOrder.objects.get(order__number="DEMO-2002", family_slug="modular-sofa")
    upholster = sofa.operations.get(code="upholster")
    frame = sofa.operations.get(code="frame")
    day = frame.planned_start.date().isoformat()

    sign_in(page, shop, "planner@atelier.example", "atelier-planner")
    page.goto(f"{shop}/dashboard/production/?view=week&day={day}")
    expect(page.get_by_role("heading", name=re.compile("Planner board"))).to_be_visible()
    expect(page.locator("svg.gantt")).to_be_visible()
    expect(page.locator(f'svg.gantt [data-operation="{upholster.pk}"]')).to_have_count(1)
    assert_accessible(page)

    # Move the upholstery to the other station.
    row = page.locator(f"#op-{upholster.pk}")
    select = row.get_by_label("Work center for Upholster")
    current = select.input_value()
    other = next(o for o in select.locator("option").evaluate_all("els => els.map(e => e.value)") if o != current)
    select.select_option(other)
    row.get_by_role("button", name="Move").click()
    expect(page.get_by_text(re.compile("moved to .* and the plan updated"))).to_be_visible()
    expect(page.locator(f"#op-{upholster.pk}").get_by_label("Work center for Upholster")).to_have_value(other)

    page.get_by_role("button", name="Re-plan now").click()
    expect(page.get_by_text(re.compile(r"Re-planned in [\d.]+ s"))).to_be_visible()

    with page.expect_download() as download_info:
        page.locator(f"#op-{frame.pk}").get_by_role("link", name=sofa.number).click()
    download = download_info.value
    assert download.suggested_filename == f"traveler-{sofa.number}.pdf"
    assert Path(download.path()).read_bytes().startswith(b"%PDF")

    page.locator(f"#op-{frame.pk}").get_by_role("button", name="Start").click()
    expect(page.locator(f"#op-{frame.pk} .status-started")).to_have_text("Started")
    expect(page.locator(f'svg.gantt [data-operation="{frame.pk}"][data-status="started"]')).to_have_count(1)
    assert_accessible(page)

    # The shopper, in a browser of their own.
    shopper_context = browser.new_context(base_url=live_server.url)
    shopper_context.route(lambda url: not url.startswith(live_server.url), lambda route: route.abort())
    shopper = shopper_context.new_page()
    sign_in(shopper, shop, "ben@example.com", "atelier-shopper")
    shopper.goto(shop + "/accounts/orders/DEMO-2002/")
    # "In production" is done (with its date); shipping is what the order is under way to.
    expect(shopper.locator(".timeline__step--done").filter(has_text="In production")).to_be_visible()
    expect(shopper.locator(".timeline__promise")).to_contain_text(re.compile(r"on plan for \w+day \d+ \w+"))
    shopper.get_by_text("From the workshop").click()
    expect(shopper.get_by_text("The Modular Sofa: production started")).to_be_visible()
    shopper_context.close()
