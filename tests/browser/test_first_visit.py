"""A stranger's first visit, with nothing a fixture made for them: register, configure, pay, follow.

Every step goes through the pages a person sees, from the home page's links, and every page
is scanned with axe. The site once answered this very first registration with an error page
while hundreds of tests passed, because no test started where a new shopper starts.
"""

import re

from playwright.sync_api import expect

from tests.browser.accessibility import assert_accessible
from tests.browser.checkout_steps import give_delivery_address

EMAIL = "new.visitor@example.com"
PASSWORD = "a-fresh-long-passphrase-42"


def register_from_the_header(page, shop):
    page.goto(shop + "/")
    assert_accessible(page)
    page.get_by_role("link", name="Sign in").click()
    expect(page).to_have_url(shop + "/accounts/login/")
    assert_accessible(page)

    form = page.get_by_role("form", name="Create an account")
    form.get_by_label("Email address").fill(EMAIL)
    form.get_by_label("Password", exact=True).fill(PASSWORD)
    form.get_by_label("Confirm password").fill(PASSWORD)
    form.get_by_role("button", name="Create my account").click()


def configure_a_fridge_from_the_menu(page, shop):
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Fridges").click()
    page.get_by_role("link", name="The Atelier Fridge").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The Atelier Fridge")
    assert_accessible(page)
    page.get_by_role("radio", name="Left").check()
    expect(page.locator(".quote__price")).to_have_text(re.compile("£1,449.00"))
    expect(page.locator(".quote__extra")).to_have_text(re.compile(r"^Earn \d+ points$"))
    page.get_by_role("button", name="Add to basket").click()
    expect(page).to_have_url(shop + "/basket/")
    expect(page.locator(".basket-summary__count")).to_have_text("1")
    assert_accessible(page)


def check_out_and_pay(page):
    page.get_by_role("link", name="Proceed to checkout").click()
    expect(page).to_have_url(re.compile(r"/checkout/shipping-address/$"))
    assert_accessible(page)
    give_delivery_address(page, name="Nova Visitor", street="2 Market Street", city="Leeds", postcode="LS1 6DT")
    expect(page).to_have_url(re.compile(r"/checkout/shipping-method/$"))
    assert_accessible(page)
    page.get_by_role("button", name="Select option").first.click()
    expect(page).to_have_url(re.compile(r"/checkout/preview/$"))
    assert_accessible(page)
    page.get_by_role("button", name=re.compile(r"Place order and pay £1,449\.00")).click()
    expect(page).to_have_url(re.compile(r"/checkout/pay/\d+/$"))
    assert_accessible(page)
    page.get_by_role("button", name="Pay £1,449.00").click()
    expect(page).to_have_url(re.compile(r"/checkout/thank-you/$"))
    expect(page.locator(".order-outcome")).to_contain_text("Payment received")
    assert_accessible(page)
    return re.search(r"\d{6,}", page.locator(".order-outcome").inner_text()).group(0)


def test_a_new_visitor_registers_configures_pays_and_finds_the_order_in_the_hub(shop, page):
    register_from_the_header(page, shop)

    expect(page).to_have_url(shop + "/accounts/")
    expect(page.get_by_role("navigation", name="Account")).to_contain_text("Sign out")
    assert_accessible(page)

    configure_a_fridge_from_the_menu(page, shop)
    number = check_out_and_pay(page)

    page.get_by_role("navigation", name="Account").get_by_role("link", name="Account").click()
    orders = page.locator("section", has=page.get_by_role("heading", name="Your orders"))
    order = orders.locator(".hub-order", has_text=number)
    expect(order).to_be_visible()
    expect(order.locator(".timeline__step--current .timeline__label")).to_have_text(re.compile("Paid|In production"))
    assert_accessible(page)
    order.get_by_role("link", name=f"Order {number}").click()
    expect(page).to_have_url(re.compile(rf"/accounts/orders/{number}/$"))
    expect(page.get_by_label("Order progress")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Door opens on the: Left")
    assert_accessible(page)
