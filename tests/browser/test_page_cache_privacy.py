"""Two customers and a visitor who is not signed in browse the same storefront pages at once, each in a
browser of their own: pages kept for visitors without a session (portal/pagecache.py) never show one
person's name, basket or account to another, and a visitor served a kept page can still add to the basket.
"""

import re

from oscar.core.loading import get_model
from playwright.sync_api import expect

from tests.browser.accessibility import assert_accessible
from tests.browser.signing_in import sign_in

Product = get_model("catalogue", "Product")

# What only the customer's own pages show (their names are on their public reviews, so not those).
ADA = ("ada@example.com", "Hello, Ada")
BEN = ("ben@example.com", "Hello, Ben")


def _browser_of(browser, shop):
    context = browser.new_context()
    context.route(lambda url: not url.startswith(shop) and not url.startswith("data:"), lambda route: route.abort())
    return context.new_page()


def _shows_nothing_of(page, *people):
    text = page.content()
    for person in people:
        for marker in person:
            assert marker not in text, f"{page.url} showed {marker}"


def _pages():
    return [
        "/",
        "/catalogue/",
        Product.objects.get(upc="ATL-FRIDGE").get_absolute_url(),
        Product.objects.get(upc="ATL-FILTER").get_absolute_url(),
    ]


def test_two_customers_and_a_visitor_see_only_their_own(shop, page, browser):
    filter_page = shop + Product.objects.get(upc="ATL-FILTER").get_absolute_url()
    visitor = page
    for path in _pages():  # the visitor first, so the pages are kept before the customers come
        visitor.goto(shop + path)
    ada, ben = _browser_of(browser, shop), _browser_of(browser, shop)
    sign_in(ada, shop, ADA[0])
    sign_in(ben, shop, BEN[0])
    ben.goto(shop + "/")
    ben_count = ben.locator(".basket-summary__count").inner_text()

    ada.goto(filter_page)
    ada.locator("#add_to_basket_form").get_by_role("button", name="Add to basket").click()
    ada.goto(shop + "/accounts/")
    expect(ada.get_by_role("heading", name="Hello, Ada")).to_be_visible()
    ada_count = ada.locator(".basket-summary__count").inner_text()
    assert int(ada_count) >= 1

    for path in _pages():
        ben.goto(shop + path)
        expect(ben.get_by_role("button", name="Sign out")).to_be_visible()
        expect(ben.locator(".basket-summary__count")).to_have_text(ben_count)
        _shows_nothing_of(ben, ADA)
        stranger = _browser_of(browser, shop)
        stranger.goto(shop + path)
        expect(stranger.locator("#login_link")).to_be_visible()
        expect(stranger.locator(".basket-summary__count")).to_have_text("0")
        _shows_nothing_of(stranger, ADA, BEN)
        stranger.context.close()
    ben.goto(shop + "/accounts/")
    expect(ben.get_by_role("heading", name="Hello, Ben")).to_be_visible()
    _shows_nothing_of(ben, ADA)

    # A kept page carries each visitor's own CSRF token: a newcomer's add to basket goes through.
    newcomer = _browser_of(browser, shop)
    assert newcomer.goto(filter_page).headers.get("x-storefront-cache") == "hit"
    assert_accessible(newcomer)
    newcomer.locator("#add_to_basket_form").get_by_role("button", name="Add to basket").click()
    expect(newcomer.locator(".basket-summary__count")).to_have_text("1")
    expect(newcomer.get_by_text(re.compile("has been added to your basket"))).to_be_visible()
    _shows_nothing_of(newcomer, ADA, BEN)
    visitor.goto(filter_page)
    expect(visitor.locator(".basket-summary__count")).to_have_text("0")
    ada.goto(shop + "/")
    expect(ada.locator(".basket-summary__count")).to_have_text(ada_count)
