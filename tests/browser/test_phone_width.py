"""On a phone (390 px) every page of a purchase fits the window: nothing scrolls sideways.

From configuring a product to following the order afterwards, signed in and as a guest; each
page is also scanned with axe. The checkout pages are walked as the guest's test walks them
(tests/browser/test_checkout.py), which checks each for sideways scrolling on its way.
"""

import re

from oscar.core.loading import get_model
from playwright.sync_api import expect

from tests.browser.accessibility import assert_accessible
from tests.browser.signing_in import sign_in
from tests.browser.test_checkout import checkout_to_pay_page

Order = get_model("order", "Order")

PHONE = {"width": 390, "height": 844}


def assert_fits(page):
    """No serious axe finding, and nothing wider than the window."""
    assert_accessible(page)
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{page.url} is {widths[0]} px wide in a {widths[1]} px window"


def test_a_signed_in_shopper_buys_and_follows_an_order_on_a_phone(shop, page):
    page.set_viewport_size(PHONE)
    sign_in(page, shop, "ben@example.com")

    page.goto(shop + "/configure/atelier-fridge/")
    page.get_by_role("radio", name="Left").check()
    page.get_by_label("Engraved door plate").fill("The Hoppers")
    expect(page.locator(".quote__price")).to_have_text(re.compile("£1,469.00"))
    assert_fits(page)
    page.get_by_role("button", name="Add to basket").click()
    expect(page).to_have_url(shop + "/basket/")
    expect(page.locator("#content_inner")).to_contain_text("Door opens on the: Left")
    assert_fits(page)

    checkout_to_pay_page(page, shop)
    page.get_by_role("button", name="Pay £1,469.00").click()
    expect(page.locator(".order-outcome")).to_contain_text("Payment received")
    assert_fits(page)
    number = page.locator(".order-outcome strong").inner_text()

    page.goto(shop + "/accounts/orders/")
    assert_fits(page)
    page.get_by_role("link", name=f"Order {number}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Order #{number}")
    assert_fits(page)
    lines = page.get_by_role("table", name="What you ordered")
    expect(lines.get_by_role("row")).to_contain_text(["Door opens on the: Left", "Order total (incl. VAT) £1,469.00"])


def test_a_guest_follows_an_order_on_a_phone(shop, page):
    order = Order.objects.get(number="DEMO-1001")  # a sofa and a care kit, made a guest's
    order.user, order.guest_email = None, "grace@example.com"
    order.save()
    page.set_viewport_size(PHONE)

    page.goto(shop + f"/accounts/order-status/{order.number}/{order.verification_hash()}/")
    page.get_by_label("Email address").fill("grace@example.com")
    page.get_by_role("button", name="Show my order").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Order DEMO-1001")
    assert_fits(page)
    lines = page.get_by_role("table", name="What you ordered")
    expect(lines.get_by_role("row")).to_contain_text(
        ["The Modular Sofa", "Fabric Care Kit", "Order total (incl. VAT) £2,893.00"]
    )
