"""A shopper configures a fridge live: rules, price and preview change as they choose."""

import re

from playwright.sync_api import expect

from configurator.models import SavedDesign
from tests.browser.accessibility import assert_accessible


def test_configure_a_left_hinge_fridge_with_an_ice_maker(shop, page):
    page.goto(shop + "/catalogue/")
    page.get_by_role("link", name="The Atelier Fridge").first.click()
    price = page.locator(".quote__price")
    preview = page.locator("[data-preview] svg")
    expect(price).to_have_text(re.compile("£1,449.00"))
    assert_accessible(page)

    page.get_by_role("radio", name="Left").check()
    expect(preview.locator("desc")).to_contain_text("Door opens on the: Left")

    page.get_by_role("checkbox", name=re.compile("^Ice maker")).check()
    expect(page.locator(".quote__problems")).to_contain_text("An ice maker needs the water connection kit.")
    expect(price).to_have_text(re.compile("Not possible as chosen"))
    assert_accessible(page)  # the rule's message and the refused price

    page.get_by_role("checkbox", name=re.compile("^Water connection kit")).check()
    expect(price).to_have_text(re.compile("£1,637.00"))
    expect(preview.locator("desc")).to_contain_text("Ice maker: Yes")
    expect(page.locator(".quote__problems")).to_have_count(0)

    # A choice the rules rule out is shown disabled, with the reason next to it.
    page.get_by_role("radio", name="300 litres").check()
    wine = page.get_by_role("radio", name=re.compile("^Wine rack"))
    expect(wine).to_be_disabled()
    expect(page.locator('[data-reason-for="layout:wine"]')).to_have_text(
        "The wine rack needs the 380 or 450 litre body."
    )
    assert_accessible(page)  # a choice disabled, with its reason
    page.get_by_role("radio", name=re.compile("^380 litres")).check()
    expect(wine).to_be_enabled()

    page.get_by_label("Design name").fill("Our kitchen fridge")
    page.get_by_role("button", name="Save design").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Our kitchen fridge")
    assert_accessible(page)
    design = SavedDesign.objects.get(name="Our kitchen fridge")
    assert design.values["hinge"] == "left"
    assert design.values["ice_maker"] is True

    page.get_by_role("button", name="Add to basket").click()
    expect(page).to_have_url(shop + "/basket/")
    basket = page.locator("#content_inner")
    expect(basket).to_contain_text("Door opens on the: Left")
    expect(basket).to_contain_text("Ice maker: Yes")
    expect(basket).to_contain_text("£1,637.00")


def test_the_form_works_without_javascript(shop, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(shop + "/configure/modular-sofa/")

    page.get_by_label("Seat modules (seats)").fill("2")
    page.get_by_label("Width (cm)").fill("160")
    page.get_by_label("Depth (cm)").fill("90")
    page.get_by_role("button", name="Update price").click()

    expect(page.locator(".quote__problems")).to_contain_text("The depth can be at most half the width.")
    page.get_by_label("Depth (cm)").fill("80")
    page.get_by_role("button", name="Add to basket").click()
    expect(page).to_have_url(shop + "/basket/")
    expect(page.locator("#content_inner")).to_contain_text("Width: 160 cm")
    context.close()
