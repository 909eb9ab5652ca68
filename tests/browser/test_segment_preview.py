"""Content for a segment in a browser: an editor previews the home page as a premium customer and
as a new visitor and sees different blocks; the visitors themselves get the page meant for them."""

import re

from playwright.sync_api import expect

from portal.cms.models import HomePage
from tests.browser.accessibility import assert_accessible
from tests.browser.signing_in import sign_in
from tests.cms.segments import customer
from tests.conftest import DEMO_PASSWORDS
from tests.factories import PASSWORD

EDITOR = "editor@atelier.example"
THANKS = "Thank you for being one of our best customers"
WELCOME = "New to Atelier? Welcome"


def test_an_editor_previews_the_home_page_as_a_premium_customer_and_as_a_new_visitor(shop, page):
    home = HomePage.objects.get()
    sign_in(page, shop, EDITOR, DEMO_PASSWORDS[EDITOR])
    page.goto(f"{shop}/cms/pages/{home.pk}/edit/")

    page.get_by_role("button", name="Toggle preview").click()
    preview = page.frame_locator("#w-preview-iframe")  # Wagtail swaps in a fresh frame on each update
    # The default preview is the page most visitors get: a new visitor's, not signed in.
    expect(preview.get_by_role("heading", name=WELCOME)).to_be_visible()
    expect(preview.get_by_role("heading", name=THANKS)).to_have_count(0)

    modes = page.get_by_label("Preview mode")
    modes.select_option(label="As premium (value class)")
    expect(preview.get_by_role("heading", name=THANKS)).to_be_visible()
    expect(preview.get_by_role("heading", name=WELCOME)).to_have_count(0)

    modes.select_option(label="As a new customer: signed in, no order yet")
    expect(preview.get_by_role("heading", name=WELCOME)).to_be_visible()
    expect(preview.get_by_role("heading", name=THANKS)).to_have_count(0)

    # The blocks' choices survive the editor's form: saved again, each is for whom it was.
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text(re.compile("Page 'Atelier' has been updated"))).to_be_visible()
    draft = HomePage.objects.get().get_latest_revision_as_object()
    audiences = [
        (block.value["value_classes"], block.value["visitors"], block.value["saved_design"])
        for block in draft.body
        if block.block_type == "segment"
    ]
    assert audiences == [
        (["premium"], [], False),
        (["major"], [], False),
        ([], ["new"], False),
        ([], [], True),
        (["restricted"], [], False),
    ]
    assert [block.value["show"] for block in draft.body if block.block_type == "segment"][-1] == "except"


def test_a_premium_customer_and_a_new_visitor_get_their_own_home_page(shop, page):
    premium = customer(value_class="premium", paid=True, email="best@example.com")

    page.goto(shop + "/")
    expect(page.get_by_role("heading", name=WELCOME)).to_be_visible()
    expect(page.get_by_role("heading", name=THANKS)).to_have_count(0)
    assert_accessible(page)

    sign_in(page, shop, premium.email, PASSWORD)
    page.goto(shop + "/")
    expect(page.get_by_role("heading", name=THANKS)).to_be_visible()
    expect(page.get_by_role("heading", name=WELCOME)).to_have_count(0)
    assert_accessible(page)
