"""A shopper cancels a paid order from the hub before production starts: the confirmation says
what comes back, and the order page then shows the refund and the points returned. axe on each page."""

import re

from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from loyalty.models import LoyaltyAccount
from production.models import Operation
from production.services import floor
from tests.browser.accessibility import assert_accessible
from tests.browser.checkout_steps import buy_a_fridge, set_points_balance
from tests.browser.signing_in import sign_in


def test_shopper_cancels_before_production_and_sees_the_refund_and_points_back(shop, page, settings):
    settings.STRIPE_SECRET_KEY = ""  # the demo gateway, as `make run` has it
    ben = set_points_balance("ben@example.com", 3000)

    sign_in(page, shop, "ben@example.com")

    def use_points(page):
        page.get_by_label("Points to use").fill("2000")
        page.get_by_role("button", name="Use points").click()
        expect(page.locator("[data-points-held]")).to_contain_text("2000 points take £20.00 off")

    number = buy_a_fridge(page, shop, name="Ben Byron", before_placing=use_points)
    balance_after_paying = LoyaltyAccount.objects.get(user=ben).available

    page.goto(shop + f"/accounts/orders/{number}/")
    expect(page.get_by_text("Until production starts you can cancel and get your money back.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Cancel this order").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(f"Cancel order {number}")
    expect(page.get_by_role("heading", name="What happens if you cancel")).to_be_visible()
    outlook = page.locator("[data-cancel-outlook]")
    expect(outlook).to_contain_text(re.compile(r"we refund £[\d,]+\.\d\d to the card you paid with"))
    expect(outlook).to_contain_text("the 2000 points you used on it come back to your account")
    expect(outlook).to_contain_text(re.compile(r"the \d+ points it earned are taken back"))
    refund = re.search(r"we refund (£[\d,]+\.\d\d)", outlook.inner_text()).group(1)
    assert_accessible(page)
    page.get_by_label("Why are you cancelling?").select_option(label="It would arrive too late")
    page.get_by_role("button", name="Cancel this order").click()

    expect(page).to_have_url(shop + f"/accounts/orders/{number}/")
    expect(page.get_by_text(f"Your order {number} is cancelled.")).to_be_visible()
    cancelled = page.locator("[data-order-cancellation]")
    expect(cancelled.get_by_role("heading", name="Cancelled at your request")).to_be_visible()
    expect(cancelled).to_contain_text("(It would arrive too late)")
    expect(cancelled.locator("[data-refund-state]")).to_have_text(
        re.compile(rf"Refunded {re.escape(refund)} to your card on")
    )
    expect(cancelled.locator("[data-points-returned]")).to_have_text(
        "2000 points you used on it are back in your account."
    )
    expect(page.locator(".timeline__closed")).to_contain_text("Cancelled on")
    expect(page.get_by_role("link", name="Cancel this order")).to_have_count(0)
    assert_accessible(page)

    page.goto(shop + "/accounts/points/")
    expect(page.locator("[data-points-available]")).to_have_text(str(balance_after_paying + 2000))


def test_once_production_started_the_order_page_says_why_and_offers_to_ask(shop, page):
    planner = get_user_model().objects.get(email="planner@atelier.example")
    first = Operation.objects.filter(work_order__order__number="DEMO-2001", after__isnull=True).order_by("pk")[0]
    floor.start_operation(operation=first, user=planner)  # the floor starts Ada's fridge
    sign_in(page, shop, "ada@example.com")
    page.goto(shop + "/accounts/orders/DEMO-2001/")

    refusal = page.locator("[data-cancel-refusal]")
    expect(refusal).to_contain_text(re.compile(r"Production started on \d+ \w+ at the [\w -]+ step: contact us"))
    expect(page.get_by_role("link", name="Cancel this order")).to_have_count(0)
    assert_accessible(page)

    page.goto(shop + "/accounts/orders/DEMO-2001/cancel/")  # the address typed in
    expect(page.get_by_role("heading", name="It cannot be cancelled")).to_be_visible()
    expect(page.get_by_role("button", name="Cancel this order")).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("link", name="Contact us about this order").click()
    expect(page).to_have_url(re.compile(r"/tickets/new/\?order=DEMO-2001$"))
