"""A merchandiser opens the value classes from the Analytics menu, sees the concentration curve and
the classes, changes the premium cut and sees it saved; axe on the page before and after."""

from decimal import Decimal

from playwright.sync_api import expect

from analytics.models import ValueClassRules
from tests.browser.accessibility import assert_accessible
from tests.browser.dashboard_menu import open_dashboard_menu
from tests.browser.signing_in import sign_in

MERCHANDISER = "merchandiser@atelier.example"


def test_the_merchandiser_reads_the_curve_and_changes_the_premium_cut(shop, page):
    sign_in(page, shop, MERCHANDISER, "atelier-merchant")
    page.goto(shop + "/dashboard/")
    open_dashboard_menu(page, "Analytics")
    page.locator(".dropdown-menu.show").get_by_role("link", name="Value classes").click()

    expect(page.get_by_role("heading", name="Value classes", exact=True)).to_be_visible()
    expect(page.get_by_role("img", name="Concentration of the 12-month contribution")).to_be_visible()
    expect(page.locator('[data-concentration] [data-top="20"]')).to_contain_text("%")
    expect(page.locator('[data-table="classes"] tbody tr')).to_have_count(5)
    assert_accessible(page)

    premium = page.get_by_label("Premium: the top (% of buying customers)")
    premium.fill("6")
    page.get_by_role("button", name="Save the rules").click()

    expect(page.get_by_text("Rules saved. They apply from the next nightly run")).to_be_visible()
    expect(premium).to_have_value("6.00")
    expect(page.locator("[data-rules-saved]")).to_contain_text(f"by {MERCHANDISER}")
    assert ValueClassRules.objects.get().premium_percent == Decimal("6.00")
    assert_accessible(page)

    premium.fill("30")
    page.get_by_role("button", name="Save the rules").click()
    expect(page.get_by_text("The major cut includes the premium customers")).to_be_visible()
    assert ValueClassRules.objects.get().premium_percent == Decimal("6.00")
    assert_accessible(page)
