"""A shopper sees what a product earns, redeems points at checkout, then sees balance and history."""

import re

from playwright.sync_api import expect

from tests.browser.accessibility import assert_accessible
from tests.browser.checkout_steps import give_delivery_address, set_points_balance
from tests.browser.signing_in import sign_in


def test_shopper_earns_redeems_and_sees_the_history(shop, page):
    set_points_balance("ben@example.com", 3000)

    sign_in(page, shop, "ben@example.com")

    # The live quote says what the configuration earns, and follows the configuration.
    page.goto(shop + "/configure/atelier-fridge/")
    page.get_by_role("radio", name="Left").check()
    earn = page.locator("[data-quote-extra]")
    expect(earn).to_have_text(re.compile(r"Earn [\d,]+ points"))  # already on first render
    assert_accessible(page)
    before = earn.inner_text()
    page.get_by_label("Engraved door plate").fill("The Byrons")
    expect(page.locator(".quote__price")).to_have_text(re.compile("£1,469.00"))
    expect(earn).not_to_have_text(before)
    page.get_by_role("button", name="Add to basket").click()
    expect(page).to_have_url(shop + "/basket/")
    expect(page.locator("[data-earn-points]")).to_contain_text("points")

    page.get_by_role("link", name="Proceed to checkout").click()
    give_delivery_address(page, name="Ben Byron", street="Flat 3, 88 Mill Road", city="Cambridge", postcode="CB1 2AS")
    page.get_by_role("button", name="Select option").first.click()

    # Review: use 2,000 points (£20 off).
    expect(page.get_by_role("heading", name="Use your points")).to_be_visible()
    page.get_by_label("Points to use").fill("2000")
    page.get_by_role("button", name="Use points").click()
    expect(page.locator("[data-points-held]")).to_contain_text("2000 points take £20.00 off")
    expect(page.get_by_text("Points redeemed").first).to_be_visible()
    expect(page.locator("[data-payment-points]")).to_have_text("2000 points take £20.00 off")
    assert_accessible(page)
    page.get_by_role("button", name=re.compile(r"Place order and pay £1,449\.00")).click()
    expect(page).to_have_url(re.compile(r"/checkout/pay/\d+/$"))
    page.get_by_label("Card number").fill("4242 4242 4242 4242")
    page.get_by_role("button", name="Pay £1,449.00").click()
    expect(page.locator(".order-outcome")).to_contain_text("Payment received")

    page.goto(shop + "/accounts/points/")
    expect(page.locator("[data-points-available]")).to_have_text("1000")
    history = page.locator("[data-points-history]")
    expect(history).to_contain_text("Redeemed at checkout")
    expect(history).to_contain_text("-2000")
    assert_accessible(page)
    expect(page.locator("[data-points-pending]")).to_be_visible()  # this order's points, until delivery
