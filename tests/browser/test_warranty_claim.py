"""A shopper files a warranty claim with a photo from the hub's order page; care staff decide "remake" in
the console's claims; the shopper follows the claim and the remake on the order's timeline."""

import re

from playwright.sync_api import expect

from care.models import Claim
from tests.browser.accessibility import assert_accessible
from tests.browser.dashboard_menu import open_dashboard_menu
from tests.browser.remake_steps import shopper_sees_the_remake_on_the_timeline
from tests.browser.signing_in import sign_in
from tests.care.test_customer_pages import png_bytes


def test_a_warranty_claim_with_a_photo_becomes_a_remake_on_the_timeline(shop, page, browser):
    sign_in(page, shop, "ben@example.com")
    page.goto(shop + "/accounts/orders/DEMO-1005/")
    page.get_by_role("link", name=re.compile("^Warranty claim for")).first.click()
    expect(page.get_by_role("heading", name=re.compile("^Warranty claim for"))).to_be_visible()
    assert_accessible(page)

    # Without a photo first: the fault must be shown.
    page.get_by_label("What is wrong?").fill("The printed ink cracked and flakes off after two weeks.")
    page.get_by_role("button", name="Send the warranty claim").click()
    expect(page.get_by_text("Please add at least one photo of the fault")).to_be_visible()
    page.get_by_label("Photos").set_input_files(
        files=[{"name": "cracked-print.png", "mimeType": "image/png", "buffer": png_bytes()}]
    )
    page.get_by_role("button", name="Send the warranty claim").click()
    expect(page).to_have_url(f"{shop}/accounts/orders/DEMO-1005/")
    claim = Claim.objects.get(order__number="DEMO-1005")
    expect(page.get_by_text(f"Your claim is {claim.rma}")).to_be_visible()
    claims = page.locator("[data-order-claims]")
    expect(claims).to_contain_text(f"Warranty claim {claim.rma}")
    expect(claims).to_contain_text("Waiting for our decision.")
    expect(claims.get_by_role("link", name="Photo 1")).to_be_visible()
    expect(page.locator(f'[data-timeline-claim="{claim.rma}"]')).to_contain_text("Warranty claim")
    assert_accessible(page)

    staff = browser.new_context()
    console = staff.new_page()
    sign_in(console, shop, "care@atelier.example", "atelier-care")
    console.goto(f"{shop}/dashboard/")
    open_dashboard_menu(console, "Customer care")
    console.get_by_role("link", name="Returns and claims").click()
    console.get_by_role("link", name=claim.rma).click()
    expect(console.get_by_text("The printed ink cracked")).to_be_visible()
    expect(console.get_by_role("link", name="cracked-print.png")).to_be_visible()
    assert_accessible(console)
    form = console.locator("[data-decide-claim]")
    form.get_by_label("Remake", exact=True).check()
    form.get_by_label(re.compile("Reason")).fill("Ink batch fault confirmed from the photo: we make it again.")
    form.get_by_role("button", name="Decide").click()
    claim.refresh_from_db()
    number = claim.remake.work_order.number
    expect(console.get_by_text(f"{claim.rma} decided: remake, work order {number}.")).to_be_visible()
    expect(console.locator("[data-claim-decision]")).to_contain_text("Remake")
    assert_accessible(console)
    staff.close()

    shopper_sees_the_remake_on_the_timeline(page, shop, "DEMO-1005")
    step = page.locator(f'[data-timeline-claim="{claim.rma}"]')
    expect(step).to_contain_text("again for you")
    expect(step).to_contain_text("Ink batch fault confirmed")
    expect(page.locator("[data-order-claims]")).to_contain_text("Decided: Remake.")
