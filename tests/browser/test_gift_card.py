"""A gift card bought by one shopper pays part of another's order: a new customer registers
through the pages, buys a £50 card for Ben, pays; Ben gets the code by e-mail, uses it at
checkout, pays the rest by card and sees the card's history in his wallet. axe on each page."""

import re

from django.core import mail
from playwright.sync_api import expect

from loyalty.wallet import codes
from tests.browser.accessibility import assert_accessible
from tests.browser.checkout_steps import give_delivery_address
from tests.browser.signing_in import sign_in

PASSWORD = "a-long-fresh-passphrase"


def pay_on_the_pay_page(page):
    expect(page).to_have_url(re.compile(r"/checkout/pay/\d+/$"))
    page.get_by_label("Card number").fill("4242 4242 4242 4242")
    page.get_by_role("button", name=re.compile(r"^Pay £")).click()
    expect(page.locator(".order-outcome")).to_contain_text("Payment received")


def test_a_gift_card_bought_by_one_shopper_pays_part_of_anothers_order(shop, page, settings):
    settings.STRIPE_SECRET_KEY = ""  # the demo gateway, as `make run` has it
    mail.outbox.clear()

    page.goto(shop + "/accounts/login/")
    form = page.locator("#register_form")
    form.get_by_label("Email address").fill("kit.giver@example.org")
    form.get_by_label("Password", exact=True).fill(PASSWORD)
    form.get_by_label("Confirm password").fill(PASSWORD)
    form.get_by_role("button", name="Create my account").click()
    expect(page).to_have_url(shop + "/accounts/")

    page.goto(shop + "/gift-cards/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Give a gift card")
    assert_accessible(page)
    page.get_by_label("Amount (£)").fill("5")
    page.get_by_label("Their name").fill("Ben Byron")
    page.get_by_label("Their e-mail address").fill("ben@example.com")
    page.get_by_label("From").fill("Kit")
    page.get_by_label("Message").fill("For the new kitchen")
    page.get_by_role("button", name="Add to basket").click()
    expect(page.get_by_text("Choose from £10 to £500.")).to_be_visible()
    page.get_by_label("Amount (£)").fill("50")
    page.get_by_role("button", name="Add to basket").click()

    expect(page).to_have_url(shop + "/basket/")
    expect(page.get_by_text(re.compile(r"Gift card of £50 for Ben Byron, sent"))).to_be_visible()
    page.get_by_role("link", name="Proceed to checkout").click()
    expect(page).to_have_url(shop + "/checkout/preview/")  # nothing to ship: no address, no delivery method
    page.get_by_role("button", name="Place order and pay £50.00").click()
    pay_on_the_pay_page(page)

    [message] = [m for m in mail.outbox if m.to == ["ben@example.com"] and "gift card" in m.subject]
    assert message.subject == "Kit sent you a £50.00 Atelier gift card"
    assert message.attachments[0][2] == "application/pdf"
    code = next(word for word in message.body.split() if codes.normalise(word))

    page.get_by_role("button", name="Sign out").first.click()
    sign_in(page, shop, "ben@example.com")
    page.goto(shop + "/configure/atelier-fridge/")
    page.get_by_role("button", name="Add to basket").click()
    expect(page).to_have_url(shop + "/basket/")
    page.get_by_role("link", name="Proceed to checkout").click()
    give_delivery_address(page, name="Ben Byron", street="Flat 3, 88 Mill Road", city="Cambridge", postcode="CB1 2AS")
    page.get_by_role("button", name="Select option").first.click()
    expect(page).to_have_url(shop + "/checkout/preview/")

    page.get_by_label("Gift card code").fill("AAAA-BBBB-CCCC-DDDD-EEEE")
    page.get_by_role("button", name="Use gift card").click()
    expect(page.get_by_text("That code does not match a gift card. Check it and try again.")).to_be_visible()
    page.get_by_label("Gift card code").fill(code.lower())
    page.get_by_role("button", name="Use gift card").click()
    expect(page.get_by_text(re.compile(r"Gift card ending \w{4} pays £50\.00 of this order\."))).to_be_visible()
    expect(page.locator("[data-payment-wallet]")).to_have_text("£50.00")
    card_part = page.locator("[data-payment-card]").inner_text()
    total = re.search(r"£([\d,]+\.\d\d)", card_part).group(0)
    assert_accessible(page)
    page.get_by_role("button", name=f"Place order and pay {total}").click()
    expect(page.locator("[data-pay-by-card]")).to_contain_text(f"{total} is paid by card")
    pay_on_the_pay_page(page)

    page.goto(shop + "/accounts/wallet/")
    page.get_by_label("Gift card code").fill(code)
    page.get_by_role("button", name="Add to wallet").click()
    expect(page.get_by_text(re.compile(r"Gift card ending \w{4} is in your wallet: £0\.00\."))).to_be_visible()
    history = page.locator("[data-wallet-history]")
    expect(history).to_contain_text("Used at checkout")
    expect(history).to_contain_text("-£50.00")
    assert_accessible(page)
