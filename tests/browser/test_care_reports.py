"""The care agent opens the reports from the dashboard menu and switches the period."""

from playwright.sync_api import expect

from tests.browser.accessibility import assert_accessible
from tests.browser.dashboard_menu import open_dashboard_menu
from tests.browser.signing_in import sign_in


def test_the_care_agent_reads_the_reports_and_switches_the_period(shop, page):
    sign_in(page, shop, "care@atelier.example", "atelier-care")
    page.goto(shop + "/dashboard/")
    open_dashboard_menu(page, "Customer care")
    page.locator(".dropdown-menu.show").get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", name="Care reports", exact=True)).to_be_visible()
    expect(page.get_by_label("Period", exact=True)).to_have_value("30")
    assert_accessible(page)

    page.get_by_label("Period", exact=True).select_option(label="Last 365 days")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(shop + "/dashboard/care/reports/?days=365")
    expect(page.get_by_label("Period", exact=True)).to_have_value("365")
    expect(page.get_by_role("heading", name="Bought again, by survey score")).to_be_visible()
    expect(page.locator("[data-repurchase-table]")).to_be_visible()
    assert_accessible(page)
