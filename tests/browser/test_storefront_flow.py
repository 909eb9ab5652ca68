"""A shopper lands on the home page, follows a featured product and adds it to the basket."""

import re

from playwright.sync_api import expect

from tests.browser.accessibility import assert_accessible
from tests.browser.signing_in import sign_in


def test_home_to_product_to_basket(shop, page):
    page.goto(shop + "/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Design it your way")

    featured = page.locator(".product-card", has_text="The Modular Sofa")
    expect(featured).to_contain_text("from £1,450.00")
    assert_accessible(page)
    featured.get_by_role("link", name="The Modular Sofa").click()

    expect(page).to_have_url(re.compile(r"/catalogue/the-modular-sofa_\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("The Modular Sofa")
    expect(page.locator(".quote__price")).to_contain_text("£2,015.00")  # the default design, priced by the server
    assert_accessible(page)
    page.get_by_role("button", name="Add to basket").click()

    expect(page).to_have_url(shop + "/basket/")
    expect(page.locator(".basket-summary__count")).to_have_text("1")
    expect(page.locator("#content_inner")).to_contain_text("The Modular Sofa")
    expect(page.locator("#content_inner")).to_contain_text("Seat modules: 3 seats")
    expect(page.locator("#content_inner")).to_contain_text("£2,015.00")
    assert_accessible(page)


def test_keyboard_user_can_skip_to_content(shop, page):
    page.goto(shop + "/catalogue/")

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    skip.press("Enter")

    expect(page.locator("main#main")).to_be_focused()


def test_the_header_keeps_its_sections_on_one_row_for_a_signed_in_shopper(shop, page):
    """With Account, Inbox and Sign out added, the sections wrapped into a column of their own."""
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, shop, "ada@example.com")
    page.goto(shop + "/accounts/")

    links = page.get_by_role("navigation", name="Main").get_by_role("link")
    expect(links).to_have_count(7)  # the six sections and the help centre
    tops = {round(box["y"]) for box in (link.bounding_box() for link in links.all())}
    assert len(tops) == 1, tops
