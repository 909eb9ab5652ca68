"""A planner adds the first routing of a family that has none, from the Factory page's list of
families without one: refused first with no eligible center, then added (axe on each page)."""

import re

from playwright.sync_api import expect

from production.models import RoutingTemplate
from tests.browser.accessibility import assert_accessible
from tests.browser.signing_in import sign_in


def test_planner_adds_a_routing_for_a_family_without_one(shop, page):
    RoutingTemplate.objects.filter(family_slug="printed-tote").delete()  # a family just added
    sign_in(page, shop, "planner@atelier.example", "atelier-planner")
    page.goto(f"{shop}/dashboard/production/factory/")
    expect(page.get_by_role("heading", name="Families without a routing")).to_be_visible()

    page.get_by_role("link", name="Add a routing for Custom Printed Tote").click()
    expect(page.get_by_role("heading", name=re.compile("New routing for Custom Printed Tote"))).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Code of step 1", exact=True).fill("pack")
    page.get_by_label("Name of step 1", exact=True).fill("Fold and pack")
    page.get_by_label("Sequence of step 1", exact=True).fill("10")
    page.get_by_label("Minutes of step 1", exact=True).fill("5")
    page.get_by_role("button", name="Add routing").click()
    expect(page.get_by_text("Step “Fold and pack” has no eligible work center: choose at least one.")).to_be_visible()
    assert not RoutingTemplate.objects.filter(family_slug="printed-tote").exists()
    assert_accessible(page)

    page.get_by_role("group", name="Eligible work centers of step 1").get_by_label(
        "Inspection and packing (Sheffield workshop)"
    ).check()
    page.get_by_role("button", name="Add routing").click()
    expect(page.get_by_role("heading", name="Routing: Custom Printed Tote (printed-tote)")).to_be_visible()
    expect(page.get_by_text(re.compile("Custom Printed Tote added as revision 1 with 1 step\\."))).to_be_visible()
    assert_accessible(page)
    routing = RoutingTemplate.objects.get(family_slug="printed-tote")
    assert (routing.revision, [s.code for s in routing.steps.all()]) == (1, ["pack"])
