"""An operator's shift on the shop-floor terminal at a tablet's width: choose the work center, type
the traveler's code, start the operation, pause and resume it, finish it with a count; a repeated
code of the finished operation says so. axe on each page as the operator meets it."""

import re

from playwright.sync_api import expect

from production.models import Operation, WorkOrder
from tests.browser.accessibility import assert_accessible
from tests.browser.signing_in import sign_in


def test_an_operator_scans_a_traveler_and_finishes_the_operation(shop, page):
    sofa = WorkOrder.objects.get(order__number="DEMO-2002", family_slug="modular-sofa")
    frame = sofa.operations.select_related("work_center").get(code="frame")
    page.set_viewport_size({"width": 820, "height": 1180})

    sign_in(page, shop, "operator@atelier.example", "atelier-operator")
    page.goto(shop + "/floor/")
    expect(page.get_by_role("heading", name="Choose your work center")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=frame.work_center.name).click()

    expect(page.get_by_role("heading", name=frame.work_center.name)).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Scan or type the traveler's code").fill("WO-99999")
    page.get_by_role("button", name="Open").click()
    expect(page.get_by_role("alert")).to_contain_text("There is no work order WO-99999")
    assert_accessible(page)

    page.get_by_label("Scan or type the traveler's code").fill(f"ATELIER {sofa.number}")
    page.get_by_role("button", name="Open").click()
    expect(page.get_by_role("heading", name=f"{sofa.number} · Build frame and foam")).to_be_visible()
    expect(page.get_by_text("Moss weave")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Start").click()
    expect(page.get_by_text(re.compile(r"Running since \d\d:\d\d"))).to_be_visible()
    page.get_by_role("button", name="Pause").click()
    expect(page.get_by_text(re.compile(r"Paused since \d\d:\d\d"))).to_be_visible()
    page.get_by_role("button", name="Resume").click()
    expect(page.get_by_text(re.compile(r"Running since"))).to_be_visible()
    assert_accessible(page)

    page.get_by_label(re.compile("Good pieces")).fill("1")
    page.get_by_role("button", name="Finish").click()
    expect(page.get_by_text(f"{sofa.number} Build frame and foam finished: 1 good.")).to_be_visible()
    frame.refresh_from_db()
    assert (frame.status, frame.good_quantity) == (Operation.FINISHED, 1)

    page.get_by_label("Scan or type the traveler's code").fill(sofa.number)
    page.get_by_role("button", name="Open").click()
    expect(page.get_by_role("alert")).to_contain_text("is already finished")
    assert_accessible(page)
