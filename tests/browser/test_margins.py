"""A merchandiser opens the margin dashboard from the menu, filters one family, drills down to the
option that loses money and downloads the orders behind it; axe on each page."""

import csv
import io
from pathlib import Path

from playwright.sync_api import expect

from configurator.models import ProductFamily
from tests.analytics.margin_shop import build_shop
from tests.browser.accessibility import assert_accessible
from tests.browser.dashboard_menu import open_dashboard_menu
from tests.browser.signing_in import sign_in


def test_the_merchandiser_finds_the_choice_that_loses_money_and_its_orders(shop, page):
    built = build_shop()
    tote = ProductFamily.objects.get(slug="printed-tote").name
    sign_in(page, shop, "merchandiser@atelier.example", "atelier-merchant")
    page.goto(shop + "/dashboard/")
    open_dashboard_menu(page, "Analytics")
    page.locator(".dropdown-menu.show").get_by_role("link", name="Margins").click()
    expect(page.get_by_role("heading", name="Margins", exact=True)).to_be_visible()
    assert_accessible(page)

    page.get_by_label("From", exact=True).fill("2021-03-01")
    page.get_by_label("To (included)", exact=True).fill("2021-04-30")
    page.get_by_label("Product family", exact=True).select_option(label=tote)
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(shop + "/dashboard/analytics/margins/?start=2021-03-01&end=2021-04-30&family=printed-tote")
    families = page.locator('[data-table="families"]')
    expect(families.get_by_role("row")).to_have_count(2)  # the header and the totes: no stocked goods
    expect(families).to_contain_text("171.50")
    options = page.locator('[data-table="options"]')
    losing = options.get_by_role("row").filter(has_text="Your text")
    expect(losing.locator(".loses")).to_have_text("-12.00")
    assert_accessible(page)

    losing.get_by_role("link").click()
    expect(page.get_by_role("heading", name=f"{tote} — Your text: (any text)")).to_be_visible()
    orders = page.locator('[data-table="orders"]')
    expect(orders.get_by_role("row")).to_have_count(3)
    expect(orders).to_contain_text(built.first.number)
    expect(orders).to_contain_text(built.second.number)
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download these orders (CSV)").click()
    rows = list(csv.reader(io.StringIO(Path(download_info.value.path()).read_text())))
    assert [row[0] for row in rows] == ["order", built.first.number, built.second.number]
    assert [row[-1] for row in rows[1:]] == ["-6.00", "-6.00"]
