"""What a shopper sees when the shop says no: a saved design whose product is withdrawn, the
configurator's page past a limit, and the checkout's points given back; axe on each."""

import re

from django.contrib.auth import get_user_model
from oscar.core.loading import get_model
from playwright.sync_api import expect

from configurator import services as configurator_services
from configurator.models import SavedDesign
from loyalty.models import LoyaltyAccount
from tests.browser.accessibility import assert_accessible
from tests.browser.checkout_steps import give_delivery_address, set_points_balance
from tests.browser.signing_in import sign_in


def test_a_design_of_a_withdrawn_product_is_flagged_and_can_be_deleted(shop, page):
    ada = get_user_model().objects.get(email="ada@example.com")
    design, _ = configurator_services.save_design(
        family_slug="atelier-fridge", values={"hinge": "left"}, owner=ada, name="Old kitchen fridge"
    )
    get_model("catalogue", "Product").objects.filter(upc="ATL-FRIDGE").update(is_public=False)
    sign_in(page, shop, "ada@example.com")

    page.goto(shop + "/designs/")
    card = page.locator(".design-card").filter(has_text="Old kitchen fridge")
    expect(card.locator("[data-not-sold]")).to_contain_text("No longer sold.")
    expect(card.get_by_role("button", name="Add to basket")).to_have_count(0)
    expect(card.get_by_role("link", name="Edit")).to_have_count(0)
    assert_accessible(page)

    card.get_by_role("link", name="Old kitchen fridge").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Old kitchen fridge")
    expect(page.locator("[data-not-sold]")).to_contain_text("can no longer be changed or ordered")
    expect(page.locator(".design-summary")).to_contain_text("Left")
    expect(page.get_by_role("button", name="Add to basket")).to_have_count(0)
    assert_accessible(page)

    page.get_by_role("button", name="Delete this design").click()
    expect(page).to_have_url(shop + "/designs/")
    expect(page.get_by_text("Design deleted.")).to_be_visible()
    assert not SavedDesign.objects.filter(pk=design.pk).exists()


def test_past_a_limit_the_page_says_so_and_keeps_the_choices(shop, browser, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    settings.CONFIGURATOR_DESIGN_SAVE_RATE = "1/m"
    settings.CONFIGURATOR_QUOTE_RATE = "3/m"
    # The plain form, one request per press: without the live update's script (axe needs
    # JavaScript, so the page keeps it; only configurator.js is held back).
    context = browser.new_context()
    context.route(re.compile(r".*/configurator\.[0-9a-f.]*js$"), lambda route: route.abort())
    page = context.new_page()
    page.goto(shop + "/configure/atelier-fridge/")  # a price: 1 of 3
    page.get_by_label("Design name").fill("First")
    page.get_by_role("button", name="Save design").click()  # a save: 1 of 1
    expect(page.get_by_role("heading", level=1)).to_have_text("First")

    page.goto(shop + "/configure/atelier-fridge/")  # 2 of 3
    page.get_by_role("radio", name="Left").check()
    page.get_by_label("Design name").fill("Second")
    page.get_by_role("button", name="Save design").click()
    expect(page.get_by_text("Design not saved: too many designs were saved")).to_contain_text("try again in 1")
    expect(page.get_by_role("radio", name="Left")).to_be_checked()
    expect(page.get_by_label("Design name")).to_have_value("Second")
    expect(page.locator(".quote__price")).to_have_text("Price not updated")
    assert_accessible(page)
    assert not SavedDesign.objects.filter(name="Second").exists()

    page.get_by_role("button", name="Update price").click()  # 3 of 3
    expect(page.locator(".quote__price")).to_have_text(re.compile("£"))
    page.get_by_role("button", name="Update price").click()
    expect(page.get_by_text("Price not updated: too many price checks")).to_contain_text("Your choices are kept")
    expect(page.get_by_role("radio", name="Left")).to_be_checked()
    assert_accessible(page)
    context.close()


def test_points_held_at_checkout_are_given_back_only_by_their_button(shop, page):
    ben = set_points_balance("ben@example.com", 3000)
    sign_in(page, shop, "ben@example.com")
    page.goto(shop + "/configure/atelier-fridge/")
    page.get_by_role("button", name="Add to basket").click()
    page.get_by_role("link", name="Proceed to checkout").click()
    give_delivery_address(page, name="Ben Byron", street="Flat 3, 88 Mill Road", city="Cambridge", postcode="CB1 2AS")
    page.get_by_role("button", name="Select option").first.click()

    page.get_by_label("Points to use").fill("2000")
    page.get_by_role("button", name="Use points").click()
    expect(page.locator("[data-points-held]")).to_contain_text("2000 points take £20.00 off")
    assert_accessible(page)

    page.get_by_role("button", name="Don’t use points").click()
    expect(page.get_by_text("No points will be used on this order.")).to_be_visible()
    expect(page.locator("[data-points-held]")).to_have_count(0)
    assert LoyaltyAccount.objects.get(user=ben).available == 3000
    assert_accessible(page)
