"""A shopper types what people type into the basket's and checkout's number boxes; the site keeps working.

Every answer is a message in words next to the box (the server's, or the browser's own
for a number field that states its range); nothing typed loses a line or breaks a page.
"""

import re

from django.contrib.auth import get_user_model
from oscar.core.loading import get_model
from playwright.sync_api import expect

from loyalty.models import LoyaltyAccount
from loyalty.services.staff import adjust_points
from tests.browser.accessibility import assert_accessible
from tests.browser.checkout_steps import give_delivery_address
from tests.browser.signing_in import sign_in

Line = get_model("basket", "Line")

QUANTITY_ANSWERS = [
    ("501", "How many: the largest is 500 shirts."),
    ("10000", "How many: the largest is 500 shirts."),
    ("-1", "Enter 1 or more, or press Remove."),
    ("1.5", "Enter a whole number, such as 2."),
    ("two", "Enter a whole number, such as 2."),
    ("", "Enter how many you want, or press Remove."),
]


def add_a_tee(page, shop):
    page.goto(shop + "/configure/printed-tee/")
    page.get_by_role("button", name="Add to basket").click()
    expect(page).to_have_url(shop + "/basket/")


def header_count(page):
    return page.locator(".basket-summary__count")


def test_quantities_out_of_range_get_a_message_and_the_basket_keeps_working(shop, page):
    add_a_tee(page, shop)
    assert_accessible(page)
    box = page.get_by_label("Quantity of Custom Printed T-shirt")
    expect(page.locator("#form-0-quantity-help")).to_have_text(re.compile(r"From 1 to 500\."))

    for typed, answer in QUANTITY_ANSWERS:
        box.fill(typed)
        page.get_by_role("button", name="Update").click()
        expect(page.locator("#form-0-quantity-error")).to_have_text(answer)
        expect(box).to_have_value(typed)  # what was typed stays, to correct
        expect(box).to_have_attribute("aria-invalid", "true")
        expect(header_count(page)).to_have_text("1")
    assert_accessible(page)

    page.goto(shop + "/")
    expect(header_count(page)).to_have_text("1")
    page.goto(shop + "/basket/")
    expect(box).to_have_value("1")

    box.fill("12")
    page.get_by_role("button", name="Update").click()
    expect(box).to_have_value("12")
    expect(page.get_by_text("Custom Printed T-shirt is £21.60 each: the bulk price for 10 or more.")).to_be_visible()

    box.fill("0")
    page.get_by_role("button", name="Update").click()
    expect(page.get_by_text("Custom Printed T-shirt is no longer in your basket.")).to_be_visible()
    expect(page.get_by_text("Your basket is empty.")).to_be_visible()
    expect(header_count(page)).to_have_text("0")


def test_a_line_stored_above_the_limit_is_flagged_and_mended_by_the_shopper(shop, page):
    add_a_tee(page, shop)
    Line.objects.filter(product__upc="ATL-TEE").update(quantity=501)

    page.goto(shop + "/basket/")
    problem = page.locator("#form-0-problem")
    expect(problem).to_contain_text("Needs your attention: How many: the largest is 500 shirts.")
    expect(page.locator("#basket-not-counted")).to_have_text("One item needs your attention and is not counted below.")
    assert_accessible(page)

    page.get_by_role("link", name="Proceed to checkout").click()
    expect(page).to_have_url(shop + "/basket/")
    expect(page.get_by_text("Custom Printed T-shirt can’t be ordered as it is in your basket")).to_be_visible()

    page.get_by_label("Quantity of Custom Printed T-shirt").fill("500")
    page.get_by_role("button", name="Update").click()
    expect(problem).to_have_count(0)
    page.get_by_role("link", name="Proceed to checkout").click()
    expect(page).to_have_url(shop + "/checkout/")


def test_a_withdrawn_design_is_flagged_and_removed_with_a_button(shop, page):
    add_a_tee(page, shop)
    get_model("catalogue", "Product").objects.filter(upc="ATL-TEE").update(is_public=False)

    page.goto(shop + "/basket/")
    expect(page.locator("#form-0-problem")).to_contain_text("No longer sold. Please remove it.")
    page.get_by_role("button", name="Remove").click()
    expect(page.get_by_text("Custom Printed T-shirt is no longer in your basket.")).to_be_visible()
    expect(header_count(page)).to_have_text("0")


def test_points_to_redeem_out_of_range_get_a_message_and_checkout_keeps_working(shop, page):
    ada = get_user_model().objects.get(email="ada@example.com")
    admin = get_user_model().objects.get(email="admin@atelier.example")
    current = LoyaltyAccount.objects.get(user=ada).available
    adjust_points(user_id=ada.pk, points=2000 - current, reason="Browser test balance", staff=admin)
    sign_in(page, shop, "ada@example.com")
    add_a_tee(page, shop)
    page.get_by_label("Quantity of Custom Printed T-shirt").fill("5")
    page.get_by_role("button", name="Update").click()
    page.get_by_role("link", name="Proceed to checkout").click()
    give_delivery_address(page, name="Ada Lovelace", street="12 Wharf Street", city="Leeds", postcode="LS2 7EQ")
    page.get_by_role("button", name="Select option").first.click()
    expect(page.get_by_role("heading", name="Use your points")).to_be_visible()
    review = page.url
    box = page.get_by_label("Points to use")

    # The box states its range, so the browser answers these itself, in words, and sends nothing.
    for typed in ["-1", "50", "200", "10000", "1.5"]:
        box.fill(typed)
        page.get_by_role("button", name="Use points").click()
        assert box.evaluate("box => box.validationMessage"), typed
        assert page.url == review
    box.focus()
    box.press("Control+a")
    page.keyboard.type("text")  # a number box takes no letters but "e", which is not a number
    page.get_by_role("button", name="Use points").click()
    assert box.evaluate("box => box.validationMessage")

    # A page that no longer states the range (an old tab, a script): the server says why.
    box.evaluate("box => box.removeAttribute('min')")
    box.fill("200")
    page.get_by_role("button", name="Use points").click()
    expect(page.get_by_text("Redeem at least 500 points.")).to_be_visible()
    assert_accessible(page)

    box.fill("500")
    page.get_by_role("button", name="Use points").click()
    expect(page.locator("[data-points-held]")).to_contain_text("500 points take £5.00 off")
    expect(page.get_by_role("button", name=re.compile(r"Place order and pay"))).to_be_enabled()
