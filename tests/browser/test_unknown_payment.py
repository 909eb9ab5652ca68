"""An order whose payment the gateway does not know (the demo data's, another Stripe account's):
the pay and return pages explain it in words and offer no card form."""

import re

from oscar.core.loading import get_model
from playwright.sync_api import expect

from tests.browser.accessibility import assert_accessible
from tests.browser.signing_in import sign_in

Order = get_model("order", "Order")
MESSAGE = re.compile("We cannot find this order's payment at the payment provider")


def test_the_owner_of_an_order_with_an_unknown_payment_is_told_what_to_do(shop, page, settings):
    settings.STRIPE_SECRET_KEY = ""  # the demo gateway, which has no payment for the demo orders
    sign_in(page, shop, "ada@example.com")

    page.goto(shop + "/checkout/return/DEMO-1004/")  # paid in the demo data, unknown to the gateway

    expect(page.get_by_text(MESSAGE)).to_be_visible()
    assert_accessible(page)

    Order.objects.filter(number="DEMO-1004").update(status="Pending payment")
    page.goto(shop + "/checkout/pay/DEMO-1004/")

    expect(page.get_by_role("heading", name="Order DEMO-1004")).to_be_visible()
    expect(page.get_by_text(MESSAGE)).to_be_visible()
    expect(page.get_by_text("This order cannot be paid online.")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("^Pay"))).to_have_count(0)
    assert_accessible(page)
