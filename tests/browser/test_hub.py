"""A shopper's account hub: designs, orders in production, buying again, their data."""

import json
import re
from pathlib import Path

from playwright.sync_api import expect

from tests.browser.accessibility import assert_accessible
from tests.browser.signing_in import sign_in


def test_shopper_finds_designs_and_orders_then_buys_a_design_again(shop, page):
    sign_in(page, shop, "ada@example.com")
    page.goto(shop + "/accounts/")

    expect(page.get_by_role("heading", name="Hello, Ada")).to_be_visible()
    orders = page.locator("section", has=page.get_by_role("heading", name="Your orders"))
    expect(orders.get_by_role("link", name="Order DEMO-2001")).to_be_visible()
    in_production = orders.locator(".hub-order", has_text="DEMO-2001")
    expect(in_production.locator(".timeline__step--current .timeline__label")).to_have_text("In production")
    expect(in_production.locator(".timeline__promise")).to_contain_text("Promised to ship by")
    points = page.locator("[data-points-summary]")
    expect(points.get_by_role("heading")).to_have_text("Your tier: Gold")
    expect(points.locator("[data-points-available]")).to_have_text(re.compile(r"^\d+$"))
    expect(points.get_by_role("img", name="Progress to the next tier")).to_be_visible()
    designs = page.locator("section", has=page.get_by_role("heading", name="Saved designs"))
    expect(designs.get_by_role("link", name="Studio sofa, three modules")).to_be_visible()
    assert_accessible(page)

    page.locator(".sidebar").get_by_role("link", name="Saved designs").click()
    card = page.locator(".design-card", has_text="Studio sofa, three modules")
    expect(card).to_be_visible()
    assert_accessible(page)
    card.get_by_role("button", name="Add to basket").click()

    expect(page).to_have_url(shop + "/basket/")
    expect(page.locator("#content_inner")).to_contain_text("The Modular Sofa")
    expect(page.locator(".basket-summary__count")).to_have_text("1")


def test_shopper_follows_an_order_and_buys_it_again(shop, page):
    sign_in(page, shop, "ada@example.com")
    page.goto(shop + "/accounts/orders/")
    assert_accessible(page)
    page.get_by_role("link", name="Order DEMO-1002").click()

    progress = page.get_by_label("Order progress")
    expect(progress.locator('[aria-current="step"]')).to_have_count(0)  # delivered: nothing under way
    expect(progress).to_contain_text("Delivered")
    assert_accessible(page)
    page.get_by_role("button", name="Buy all of these again").click()

    expect(page).to_have_url(shop + "/basket/")
    expect(page.locator("#content_inner")).to_contain_text("Door opens on the: Left")


def test_shopper_downloads_their_data(shop, page):
    sign_in(page, shop, "ben@example.com")
    page.goto(shop + "/accounts/data/")
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download my data").click()

    data = json.loads(Path(download_info.value.path()).read_text())
    assert data["profile"]["email"] == "ben@example.com"
    assert "DEMO-1005" in {order["number"] for order in data["orders"]}
    assert re.match(r"atelier-data-\d{4}-\d{2}-\d{2}\.json", download_info.value.suggested_filename)
