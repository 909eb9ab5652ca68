"""Staff pages as their people meet them: shown only what they may open, and no critical or serious
axe violation on the dashboard home, the order pages, the health page, loyalty and reminders."""

import re

from playwright.sync_api import expect

from portal import health
from tests.browser.accessibility import assert_accessible
from tests.browser.dashboard_menu import open_dashboard_menu
from tests.browser.signing_in import sign_in


def test_planner_dashboard_offers_only_what_a_planner_may_open(shop, page):
    health.record_heartbeat(hostname="browser-test")
    sign_in(page, shop, "planner@atelier.example", "atelier-planner")
    page.goto(shop + "/dashboard/")

    expect(page.get_by_role("heading", name="Dashboard", exact=True)).to_be_visible()
    expect(page.get_by_role("main")).to_have_count(1)
    catalogue = page.locator("caption", has_text="Catalogue and stock")
    expect(catalogue).to_be_visible()
    expect(catalogue.get_by_role("link")).to_have_count(0)  # no "Manage", no "View Stock Alerts"
    expect(page.locator("caption", has_text="Orders - All Time").get_by_role("link", name="Manage")).to_be_visible()
    assert_accessible(page)

    open_dashboard_menu(page, "Fulfilment")
    page.get_by_role("link", name="Orders", exact=True).click()
    expect(page.get_by_role("heading", name="Orders", exact=True)).to_be_visible()
    row = page.locator("tr", has_text="DEMO-1001")
    expect(row.get_by_role("link")).to_have_count(2)  # the order number and "View"; the customer is text
    assert_accessible(page)

    row.get_by_role("link", name="View").click()
    expect(page.get_by_role("heading", name=re.compile("Order #DEMO-1001"))).to_be_visible()
    expect(page.get_by_role("tab", name="Order contents")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#lines a[href*='/dashboard/catalogue/']")).to_have_count(0)
    expect(page.locator("#refund-form")).to_have_count(0)
    assert_accessible(page)

    open_dashboard_menu(page, "Site")
    page.get_by_role("link", name="Health").click()
    expect(page.get_by_role("heading", name="Site health")).to_be_visible()
    assert_accessible(page)


# Menu entry: the page's heading.
LOYALTY_PAGES = {"Overview": "Loyalty programme", "Programme rules": "Programme rules", "Customers": "Customers"}


def test_loyalty_and_reminders_dashboards_for_their_staff(shop, page):
    sign_in(page, shop, "admin@atelier.example", "atelier-admin")
    page.goto(shop + "/dashboard/")
    catalogue = page.locator("caption", has_text="Catalogue and stock")
    expect(catalogue.get_by_role("link", name="Manage")).to_be_visible()  # the admin may open it
    assert_accessible(page)

    for entry, heading in LOYALTY_PAGES.items():
        open_dashboard_menu(page, "Loyalty")
        page.locator(".dropdown-menu.show").get_by_role("link", name=entry).click()
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
        assert_accessible(page)
    page.get_by_role("link", name="ada@example.com").click()  # on the Customers page
    expect(page.get_by_role("heading", name="Points of ada@example.com")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Programme rules").first.click()
    page.get_by_role("row", name=re.compile("Gold")).get_by_role("link", name="Edit").click()
    expect(page.get_by_role("heading", name="Tier Gold")).to_be_visible()
    assert_accessible(page)
    open_dashboard_menu(page, "Site")
    page.get_by_role("link", name="Reminders").click()
    expect(page.get_by_role("heading", name="Reminders")).to_be_visible()
    assert_accessible(page)
