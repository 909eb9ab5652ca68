"""Ben phones customer care: the agent writes the call down as a phone ticket, builds him a basket (a stocked
part and a printed tote) and sends it; Ben opens the link from the e-mail, signs in and reaches the checkout.
"""

import re
from urllib.parse import urlsplit

from playwright.sync_api import expect

from care.models import Ticket
from portal.assisted.models import AssistedBasket
from tests.browser.accessibility import assert_accessible
from tests.browser.signing_in import SHOPPER_PASSWORD, sign_in


def test_an_agent_builds_a_basket_on_a_phone_ticket_and_the_customer_pays_it_by_link(shop, page, browser):
    staff = browser.new_context()
    console = staff.new_page()
    sign_in(console, shop, "care@atelier.example", "atelier-care")
    console.goto(f"{shop}/dashboard/care/new/")
    console.get_by_label("Customer's e-mail address or name").fill("ben@example.com")
    console.get_by_role("button", name="Find").click()
    assert_accessible(console)
    console.get_by_role("link", name="New ticket for Ben Adeyemi").click()
    console.get_by_label("Topic", exact=True).select_option(label="Order question")
    console.get_by_label("How the customer reached us", exact=True).select_option(label="Phone")
    console.get_by_label("Subject").fill("Spare filters and a tote")
    console.get_by_label("What the customer said").fill("Ben wants two spare filters and a tote printed 'Ben & Co'.")
    assert_accessible(console)
    console.get_by_role("button", name="Open the ticket").click()
    ticket = Ticket.objects.get(subject="Spare filters and a tote")
    expect(console).to_have_url(f"{shop}/dashboard/care/{ticket.reference}/")
    expect(console.locator("#facts").locator("..")).to_contain_text("Phone")

    console.get_by_role("link", name="Build a basket for this customer to pay").click()
    console.get_by_role("button", name="Start the basket").click()
    expect(console.get_by_role("heading", name=re.compile("Basket #\\d+ for Ben Adeyemi"))).to_be_visible()
    console.get_by_label("Product name, UPC, or made-to-order family").fill("water filter")
    console.get_by_role("button", name="Look up").click()
    console.get_by_label("Quantity of Water Filter Cartridge").fill("2")
    console.get_by_role("button", name="Add Water Filter Cartridge").click()
    expect(console.get_by_text("Water Filter Cartridge × 2 is in the basket.")).to_be_visible()

    console.get_by_label("Product name, UPC, or made-to-order family").fill("printed-tote")
    console.get_by_role("button", name="Look up").click()
    console.get_by_role("link", name="Choose the options of Custom Printed Tote").click()
    console.get_by_label("Your text").fill("Ben & Co")
    console.get_by_role("button", name="Check the price").click()
    expect(console.locator(".quote__price")).to_contain_text("£")
    assert_accessible(console)
    console.get_by_role("button", name="Add to the customer's basket").click()
    expect(console.get_by_text("Custom Printed Tote, as chosen, is in the basket.")).to_be_visible()
    assert_accessible(console)
    console.get_by_role("button", name="Send to the customer for payment").click()
    expect(console.get_by_text("Sent for payment: the link is on its way to ben@example.com.")).to_be_visible()
    link = console.get_by_label("The customer's pay link (only they can open it)").input_value()
    assisted = AssistedBasket.objects.get(ticket=ticket)
    assert assisted.state == AssistedBasket.State.SENT
    assert ticket.messages.filter(internal=True, body__startswith="Basket sent for payment").exists()
    staff.close()

    # Ben follows the e-mail's link signed out: the sign-in page first, then back to the basket.
    page.goto(shop + urlsplit(link).path)  # the e-mail's link is on the site's domain, the test server is not
    page.locator("#id_login-username").fill("ben@example.com")
    page.locator("#id_login-password").fill(SHOPPER_PASSWORD)
    page.get_by_role("button", name="Log In").click()
    expect(page).to_have_url(shop + urlsplit(link).path)
    expect(page.get_by_role("heading", level=1)).to_have_text("The basket we prepared for you")
    expect(page.locator("table")).to_contain_text("Water Filter Cartridge")
    expect(page.locator("table")).to_contain_text("Ben & Co")
    assert_accessible(page)
    page.get_by_role("button", name="Accept and go to checkout").click()
    expect(page).to_have_url(re.compile(re.escape(shop) + "/checkout/"))
    assisted.refresh_from_db()
    assert assisted.state == AssistedBasket.State.ACCEPTED
