"""Shoppers buy a configured product: as a guest and signed in; demo gateway and Stripe (fake)."""

import re
from io import BytesIO

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.accessibility import assert_accessible
from tests.browser.checkout_steps import give_delivery_address
from tests.browser.signing_in import sign_in
from tests.fakestripe.browser import install_stripe_stub
from tests.fakestripe.fixtures import TEST_PUBLISHABLE_KEY, TEST_SECRET_KEY

WEBHOOK_SECRET = "whsec_browser_tests"


@pytest.fixture
def stripe_shop(shop, settings, fake_stripe, context):
    """The live shop on the fake Stripe, with webhooks delivered to it over HTTP."""
    settings.STRIPE_SECRET_KEY = TEST_SECRET_KEY
    settings.STRIPE_PUBLISHABLE_KEY = TEST_PUBLISHABLE_KEY
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_API_BASE = fake_stripe.api_base
    # The stub in place of Stripe.js talks to the fake, a loopback origin of its own.
    policy = settings.CONTENT_SECURITY_POLICY
    directives = {**policy["DIRECTIVES"], "connect-src": [*policy["DIRECTIVES"]["connect-src"], fake_stripe.api_base]}
    settings.CONTENT_SECURITY_POLICY = {**policy, "DIRECTIVES": directives}
    fake_stripe.add_webhook(shop + "/stripe/webhook/", secret=WEBHOOK_SECRET)
    install_stripe_stub(context, fake_stripe)
    return shop


def configure_and_add_fridge(page, shop):
    page.goto(shop + "/configure/atelier-fridge/")
    page.get_by_role("radio", name="Left").check()
    page.get_by_label("Engraved door plate").fill("The Hoppers")
    expect(page.locator(".quote__price")).to_have_text(re.compile("£1,469.00"))
    assert_accessible(page)
    page.get_by_role("button", name="Add to basket").click()
    expect(page).to_have_url(shop + "/basket/")
    assert_accessible(page)


def heading(page, text):
    return page.get_by_role("heading", level=1, name=text)


def assert_checked(page):
    """No serious axe finding, and nothing wider than the window (on a phone the review's lines did)."""
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), page.url


def checkout_to_pay_page(page, shop, *, guest_email=None):
    """Every page on the way is in the site's frame, its step marked, with no serious axe finding."""
    page.get_by_role("link", name="Proceed to checkout").click()
    steps = page.get_by_role("navigation", name="Checkout steps")
    if guest_email:
        expect(heading(page, "Who are you?")).to_be_visible()
        assert_checked(page)
        page.get_by_label("My email address is").fill(guest_email)
        page.get_by_label(re.compile("checkout as a guest")).check()
        page.get_by_role("button", name="Continue").click()
    expect(heading(page, "Shipping address")).to_be_visible()
    expect(steps.locator('[aria-current="step"]')).to_contain_text("Address")
    assert_checked(page)
    give_delivery_address(page, name="Grace Hopper", street="1 Compiler Row", city="York", postcode="YO1 7HH")
    expect(heading(page, "Shipping method")).to_be_visible()
    assert_checked(page)
    page.get_by_role("button", name="Select option").first.click()  # the cheapest: standard, free over £60
    expect(page.get_by_role("button", name=re.compile("Place order and pay £1,469.00"))).to_be_visible()
    expect(steps.locator('[aria-current="step"]')).to_contain_text("Review")
    expect(page.locator("#payment-summary")).to_contain_text("£1,469.00, on the next page")
    assert_checked(page)
    page.get_by_role("button", name=re.compile("Place order and pay")).click()
    expect(page).to_have_url(re.compile(r"/checkout/pay/\d+/$"))
    expect(steps.locator('[aria-current="step"]')).to_contain_text("Payment")
    assert_checked(page)


def invoice_text(page):
    href = page.locator("#invoice-link").get_attribute("href")
    response = page.request.get(re.match(r"https?://[^/]+", page.url).group(0) + href)
    assert response.headers["content-type"] == "application/pdf"
    return "\n".join(p.extract_text() for p in PdfReader(BytesIO(response.body())).pages)


def fill_stripe_card(page, number):
    page.get_by_label("Card number").fill(number)
    page.get_by_label("Expiration date").fill("12 / 30")
    page.get_by_label("Security code").fill("123")


def assert_confirmed_with_invoice(page):
    expect(page.locator(".order-outcome")).to_contain_text("Payment received")
    assert_accessible(page)
    text = invoice_text(page)
    assert "Door opens on the: Left" in text
    assert "The Hoppers" in text


def test_guest_pays_with_the_demo_gateway(shop, page):
    page.set_viewport_size({"width": 390, "height": 844})  # on a phone
    configure_and_add_fridge(page, shop)
    checkout_to_pay_page(page, shop, guest_email="grace@example.com")

    expect(page.locator(".alert-warning")).to_contain_text("Test mode")
    page.get_by_role("button", name="Pay £1,469.00").click()

    expect(page).to_have_url(shop + "/checkout/thank-you/")
    assert_confirmed_with_invoice(page)

    # The guest follows the order: the link asks for the order's email, then shows where it is.
    number = page.locator(".order-outcome strong").inner_text()
    page.get_by_role("link", name="order status").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Follow order {number}")
    assert_accessible(page)
    page.get_by_label("Email address").fill("grace@example.com")
    page.get_by_role("button", name="Show my order").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Order {number}")
    expect(page.get_by_label("Order progress").locator(".timeline__step--done")).to_contain_text(["Placed", "Paid"])
    assert_accessible(page)


def test_signed_in_shopper_pays_with_the_demo_gateway_after_a_3d_secure_check(shop, page):
    sign_in(page, shop, "ben@example.com")
    configure_and_add_fridge(page, shop)
    checkout_to_pay_page(page, shop)

    page.get_by_label("Card number").fill("4000 0025 0000 3155")
    page.get_by_role("button", name="Pay £1,469.00").click()
    authenticate = page.get_by_role("button", name="Complete authentication")
    expect(authenticate).to_be_visible()
    assert_accessible(page)  # the demo gateway's 3-D Secure stand-in
    authenticate.click()

    assert_confirmed_with_invoice(page)


def test_guest_pays_with_stripe_elements(stripe_shop, page, fake_stripe):
    configure_and_add_fridge(page, stripe_shop)
    checkout_to_pay_page(page, stripe_shop, guest_email="grace@example.com")

    fill_stripe_card(page, "4242 4242 4242 4242")
    page.get_by_role("button", name="Pay £1,469.00").click()

    expect(page).to_have_url(stripe_shop + "/checkout/thank-you/")
    assert_confirmed_with_invoice(page)
    fake_stripe.wait_for_deliveries()
    assert fake_stripe.payment_intents[-1]["amount"] == 146900


def test_signed_in_shopper_pays_with_stripe_after_a_declined_card(stripe_shop, page):
    sign_in(page, stripe_shop, "ada@example.com")
    configure_and_add_fridge(page, stripe_shop)
    checkout_to_pay_page(page, stripe_shop)

    fill_stripe_card(page, "4000 0000 0000 0002")
    page.get_by_role("button", name="Pay £1,469.00").click()
    expect(page.locator("#payment-message")).to_contain_text("declined")
    assert_accessible(page)
    fill_stripe_card(page, "4242 4242 4242 4242")
    page.get_by_role("button", name="Pay £1,469.00").click()

    assert_confirmed_with_invoice(page)
