"""A shopper changes a paid fridge's design from the hub before production starts: the hinge to the
other side and a recessed handle, reviews the difference and the new ship date, pays the difference
and sees the new design on the order page. axe on each page."""

import re

from playwright.sync_api import expect

from portal.after_sales.models import DesignChange
from production.models import WorkOrder
from tests.browser.accessibility import assert_accessible
from tests.browser.checkout_steps import buy_a_fridge
from tests.browser.signing_in import sign_in


def test_shopper_changes_the_hinge_side_before_production_and_pays_the_difference(shop, page, settings):
    settings.STRIPE_SECRET_KEY = ""  # the demo gateway, as `make run` has it

    sign_in(page, shop, "ben@example.com")
    number = buy_a_fridge(page, shop, name="Ben Byron")

    page.goto(shop + f"/accounts/orders/{number}/")
    changes = page.locator("[data-order-design-changes]")
    expect(changes).to_contain_text("Until production starts you can change the options of your design.")
    assert_accessible(page)
    changes.get_by_role("link", name=re.compile(r"^Change design of")).click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Change the design of")
    price = page.locator(".quote__price")
    expect(price).to_have_text(re.compile("£1,449.00"))
    expect(page.get_by_role("radio", name="Right")).to_be_checked()  # the design as ordered
    assert_accessible(page)
    page.get_by_role("radio", name="Left").check()
    expect(page.locator("[data-preview] svg desc")).to_contain_text("Door opens on the: Left")
    page.get_by_role("radio", name=re.compile("^Recessed")).check()
    expect(price).to_have_text(re.compile("£1,474.00"))  # the live quote has caught up
    page.get_by_role("button", name="Review the change").click()

    expect(page.get_by_role("heading", name=re.compile("Your new"))).to_be_visible()
    review = page.locator("[data-change-review]")
    expect(review.get_by_role("row", name=re.compile("Door opens on the"))).to_contain_text("Right")
    expect(review.get_by_role("row", name=re.compile("Door opens on the"))).to_contain_text("Left")
    expect(page.locator("[data-change-difference]")).to_have_text("£25.00 to pay")
    expect(page.locator("[data-change-ship-date]")).to_contain_text(re.compile(r"\w+day \d+ \w+ \d{4}"))
    assert_accessible(page)
    page.get_by_role("button", name="Confirm and pay £25.00").click()

    expect(page).to_have_url(re.compile(rf"/accounts/orders/{number}/changes/\d+/pay/$"))
    expect(page.get_by_role("heading", name="The difference: £25.00")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Card number").fill("4242 4242 4242 4242")
    page.get_by_role("button", name="Pay £25.00").click()

    expect(page).to_have_url(shop + f"/accounts/orders/{number}/")
    expect(page.get_by_text("Your new design is confirmed")).to_be_visible()
    made = page.locator("[data-design-change=applied]")
    expect(made).to_contain_text("Door opens on the Right → Left")
    expect(made).to_contain_text("Changed; £25.00 paid.")
    page.locator(".timeline__events summary").click()
    expect(page.locator(".timeline__events")).to_contain_text("design changed, queued for production again")
    assert_accessible(page)

    change = DesignChange.objects.get(order__number=number)
    assert change.state == "applied"
    assert WorkOrder.objects.get(order__number=number).configuration["hinge"] == "left"
