"""Delivery, end to end: a shopper picks a two-person delivery slot for a fridge at checkout, a
planner records the tracking number on the order's page, the carrier's signed webhook reports the
parcel out for delivery, and the shopper reads it on the order's timeline (axe on every page)."""

import json
import re
import time

from playwright.sync_api import expect

from production import carrier_signature
from production.models import SlotBooking
from tests.browser.accessibility import assert_accessible
from tests.browser.checkout_steps import give_delivery_address
from tests.browser.signing_in import sign_in

SECRET = "carrier-browser-secret"


def test_a_slot_chosen_at_checkout_and_the_carriers_news_on_the_timeline(shop, page, settings):
    settings.CARRIER_WEBHOOK_SECRET = SECRET
    sign_in(page, shop, "ben@example.com")
    page.goto(shop + "/configure/atelier-fridge/")
    page.get_by_role("radio", name="Left").check()
    expect(page.locator(".quote__price")).to_have_text(re.compile("£"))
    page.get_by_role("button", name="Add to basket").click()
    expect(page).to_have_url(shop + "/basket/")

    page.get_by_role("link", name="Proceed to checkout").click()
    give_delivery_address(page, name="Ben Shopper", street="2 Kiln Lane", city="Leeds", postcode="LS1 4AP")
    page.get_by_role("button", name="Select option").nth(1).click()  # two-person delivery to the room

    # The review page offers the slots from the day the fridge is ready, the earliest chosen.
    slot = page.get_by_label("Delivery slot")
    expect(slot).to_be_visible()
    assert_accessible(page)
    options = slot.locator("option")
    expect(options.nth(1)).to_be_attached()
    chosen = options.nth(1).inner_text()
    slot.select_option(index=1)
    page.get_by_role("button", name=re.compile("Place order and pay")).click()
    expect(page).to_have_url(re.compile(r"/checkout/pay/\d+/$"))
    page.get_by_role("button", name=re.compile(r"^Pay £")).click()
    expect(page).to_have_url(shop + "/checkout/thank-you/")
    number = page.locator(".order-outcome strong").inner_text()
    booking = SlotBooking.objects.select_related("slot").get(order_number=number)
    assert chosen.startswith(str(booking.slot))

    # A planner records the parcel on the order's dashboard page.
    page.context.clear_cookies()
    sign_in(page, shop, "planner@atelier.example", "atelier-planner")
    page.goto(f"{shop}/dashboard/orders/{number}/")
    expect(page.get_by_text(str(booking.slot))).to_be_visible()
    page.get_by_label("Carrier").fill("Atelier Crew")
    page.get_by_label("Tracking number").fill("AC 2026 0001")
    page.get_by_role("button", name="Record shipment").click()
    expect(page.get_by_text(f"Atelier Crew AC20260001 recorded; order {number} is Shipped.")).to_be_visible()
    assert_accessible(page)

    # The carrier's signed event arrives.
    body = json.dumps(
        {
            "id": "crew-evt-1",
            "carrier": "Atelier Crew",
            "tracking_number": "AC20260001",
            "status": "out_for_delivery",
            "occurred_at": "2026-12-07T08:05:00Z",
            "description": "The crew is on its way",
            "location": "Leeds",
        }
    ).encode()
    signature = carrier_signature.sign(body=body, secret=SECRET, timestamp=int(time.time()))
    answer = page.request.post(
        shop + "/carriers/tracking/",
        data=body,
        headers={"Content-Type": "application/json", carrier_signature.HEADER: signature},
    )
    assert answer.status == 201, answer.text()

    # The shopper sees it on the order's timeline.
    page.context.clear_cookies()
    sign_in(page, shop, "ben@example.com")
    page.goto(f"{shop}/accounts/orders/{number}/")
    tracking = page.locator(".timeline__tracking")
    expect(tracking).to_contain_text("Handed to Atelier Crew")
    expect(tracking).to_contain_text("Out for delivery: The crew is on its way · Leeds")
    expect(page.get_by_label("Order progress").locator(".timeline__step--done")).to_contain_text(["Placed", "Paid"])
    expect(page.locator("#delivery-slot")).to_have_text(str(booking.slot))
    assert_accessible(page)
