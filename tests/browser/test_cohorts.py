"""A merchandiser opens the cohorts from the Analytics menu, reads the triangle, then filters one
family on the promise page and drills down to its late orders; axe on each page."""

from playwright.sync_api import expect

from configurator.models import ProductFamily
from tests.analytics.cohort_shop import build_cohort_shop
from tests.browser.accessibility import assert_accessible
from tests.browser.dashboard_menu import open_dashboard_menu
from tests.browser.signing_in import sign_in


def test_the_merchandiser_reads_the_cohorts_and_finds_a_familys_late_orders(shop, page):
    built = build_cohort_shop()
    tote = ProductFamily.objects.get(slug="printed-tote").name
    sign_in(page, shop, "merchandiser@atelier.example", "atelier-merchant")
    page.goto(shop + "/dashboard/")
    open_dashboard_menu(page, "Analytics")
    page.locator(".dropdown-menu.show").get_by_role("link", name="Cohorts").click()
    expect(page.get_by_role("heading", name="Cohorts", exact=True)).to_be_visible()
    assert_accessible(page)

    page.get_by_label("From", exact=True).fill("2021-01-01")
    page.get_by_label("To (included)", exact=True).fill("2021-02-28")
    page.get_by_role("button", name="Show").click()
    triangle = page.locator('[data-table="triangle"]')
    expect(triangle.get_by_role("row")).to_have_count(3)  # the header, January and February
    expect(triangle.get_by_role("link", name="January 2021, 1 month on: 1 of 2, 50.0%")).to_be_visible()
    assert_accessible(page)

    open_dashboard_menu(page, "Analytics")
    page.locator(".dropdown-menu.show").get_by_role("link", name="Promises kept").click()
    expect(page.get_by_role("heading", name="Promises kept", exact=True)).to_be_visible()
    page.get_by_label("From", exact=True).fill("2021-01-01")
    page.get_by_label("To (included)", exact=True).fill("2021-03-31")
    page.get_by_label("Product family", exact=True).select_option(label=tote)
    page.get_by_role("button", name="Show").click()
    families = page.locator('[data-table="families"]')
    expect(families.get_by_role("row")).to_have_count(2)  # the header and the totes alone
    assert_accessible(page)

    page.locator('[data-table="months"]').get_by_role("link", name="February 2021: the late order").click()
    expect(page.get_by_role("heading", name="Late orders, promised February 2021")).to_be_visible()
    orders = page.locator('[data-table="orders"]')
    expect(orders.get_by_role("row")).to_have_count(2)
    expect(orders).to_contain_text(built.orders["finn-feb"].number)
    expect(orders).to_contain_text("Not shipped")
    assert_accessible(page)
