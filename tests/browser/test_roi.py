"""A merchandiser opens the campaign ROI from the menu, filters one segment, drills down from an
offer's figure to the orders behind it and downloads them; axe on each page."""

import csv
import io
from pathlib import Path

from playwright.sync_api import expect

from tests.analytics.roi_shop import build_roi_shop
from tests.browser.accessibility import assert_accessible
from tests.browser.dashboard_menu import open_dashboard_menu
from tests.browser.signing_in import sign_in


def test_the_merchandiser_filters_a_segment_and_finds_the_orders_behind_an_offer(shop, page):
    built = build_roi_shop()
    sign_in(page, shop, "merchandiser@atelier.example", "atelier-merchant")
    page.goto(shop + "/dashboard/")
    open_dashboard_menu(page, "Analytics")
    page.locator(".dropdown-menu.show").get_by_role("link", name="Campaign ROI").click()
    expect(page.get_by_role("heading", name="Campaign and promotion ROI", exact=True)).to_be_visible()
    assert_accessible(page)

    page.get_by_label("From", exact=True).fill("2022-01-01")
    page.get_by_label("To (included)", exact=True).fill("2022-06-30")
    page.get_by_label("RFM segment", exact=True).select_option(label="Loyal (major)")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(shop + "/dashboard/analytics/roi/?start=2022-01-01&end=2022-06-30&segment=loyal&window=7")
    offers = page.locator('[data-table="offer"]')
    bag_offer = offers.get_by_role("row").filter(has_text="Bag offer")
    expect(bag_offer).to_contain_text("32.50")
    expect(bag_offer).to_contain_text("162.5 %")
    expect(offers.get_by_role("row").filter(has_text="SPRING10")).to_contain_text("No control: no lift shown")
    reminders = page.locator('[data-table="reminder"]')
    expect(reminders).to_contain_text("29.30")  # Loyal alone: Tia and Tom against Hal
    assert_accessible(page)

    bag_offer.get_by_role("link", name="Bag offer").click()
    expect(page.get_by_role("heading", name="Offers and vouchers: Bag offer")).to_be_visible()
    orders = page.locator('[data-table="orders"]')
    expect(orders.get_by_role("row")).to_have_count(4)
    expect(orders.get_by_role("row").nth(1)).to_contain_text(built.orders["vic"].number)
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download these orders (CSV)").click()
    rows = list(csv.reader(io.StringIO(Path(download_info.value.path()).read_text())))
    assert [row[0] for row in rows[1:]] == [built.orders[k].number for k in ("vic", "cleo", "cy")]
