"""A planner drags an operation on the Gantt to the other upholstery station with the mouse and
sees it there after the re-plan; then moves it back with the keyboard alone. axe on the board as
it is met and after the drops (the highlighted bars and the note of what moved)."""

import re

from playwright.sync_api import expect

from production.models import WorkCenter, WorkOrder
from tests.browser.accessibility import assert_accessible
from tests.browser.signing_in import sign_in


def test_planner_drags_an_operation_to_another_center_and_back_by_keyboard(shop, page):
    sofa = WorkOrder.objects.get(order__number="DEMO-2002", family_slug="modular-sofa")
    upholster = sofa.operations.select_related("work_center").get(code="upholster")
    first = upholster.work_center
    other = upholster.alternatives.exclude(work_center=first).select_related("work_center").get().work_center
    day = upholster.planned_start.date().isoformat()

    sign_in(page, shop, "planner@atelier.example", "atelier-planner")
    page.goto(f"{shop}/dashboard/production/?view=week&day={day}")
    bar = page.locator(f'svg.gantt .gantt-bar[data-operation="{upholster.pk}"]')
    expect(bar).to_have_attribute("role", "button")  # the script made it draggable
    expect(bar).to_have_attribute("aria-label", re.compile(rf"{sofa.number}, Upholster, on {first.name}"))
    assert_accessible(page)

    # The mouse: press on the bar, carry it straight down (or up) onto the other station's row.
    bar.scroll_into_view_if_needed()
    box = bar.bounding_box()
    row = page.locator(f'svg.gantt .gantt-row[data-center="{other.pk}"]').bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x, (y + row["y"] + row["height"] / 2) / 2, steps=5)
    expect(page.locator(f'svg.gantt .gantt-row[data-center="{other.pk}"].drop-ok')).to_have_count(1)
    cutting = WorkCenter.objects.get(code="cut")  # not eligible for upholstery: marked so while dragging
    expect(page.locator(f'svg.gantt .gantt-row[data-center="{cutting.pk}"]')).to_have_class(re.compile("drop-no"))
    page.mouse.move(x, row["y"] + row["height"] / 2, steps=5)
    page.mouse.up()

    status = page.locator("#drag-status")
    expect(status).to_contain_text(re.compile(rf"Upholster moved to {other.name}, .* held there; the re-plan followed"))
    bar = page.locator(f'svg.gantt .gantt-bar[data-operation="{upholster.pk}"]')
    expect(bar).to_have_attribute("data-center", str(other.pk))
    expect(bar).to_have_class(re.compile("was-dropped"))
    expect(page.locator(f"#op-{upholster.pk}").get_by_label("Work center for Upholster")).to_have_value(str(other.pk))
    upholster.refresh_from_db()
    assert upholster.work_center == other and upholster.frozen
    assert_accessible(page)

    # The keyboard: focus the bar, pick it up, one eligible station back, drop.
    bar.focus()
    page.keyboard.press("Enter")
    expect(status).to_contain_text("Picked up")

    def row_y(center):  # the chart's own coordinates, whatever the page's scroll
        return float(page.locator(f'svg.gantt .gantt-row[data-center="{center.pk}"]').get_attribute("y"))

    page.keyboard.press("ArrowUp" if row_y(first) < row_y(other) else "ArrowDown")
    expect(status).to_contain_text(first.name)
    page.keyboard.press("Enter")

    expect(status).to_contain_text(re.compile(rf"Upholster moved to {first.name}"))
    bar = page.locator(f'svg.gantt .gantt-bar[data-operation="{upholster.pk}"]')
    expect(bar).to_have_attribute("data-center", str(first.pk))
    expect(bar).to_be_focused()
    upholster.refresh_from_db()
    assert upholster.work_center == first

    # Escape puts a picked-up bar back where it was.
    page.keyboard.press("Enter")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Escape")
    expect(status).to_have_text("Move cancelled; nothing changed.")
    assert_accessible(page)
