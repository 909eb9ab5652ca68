"""Editors in Wagtail: a product's words and a story's gallery, published and seen; a visitor writes to us."""

import re

from playwright.sync_api import expect
from wagtail.contrib.forms.models import FormSubmission

from portal.cms.models import FormPage, ProductContent, ProductStoryPage
from tests.browser.accessibility import assert_accessible
from tests.browser.signing_in import sign_in
from tests.cms.images import wagtail_image
from tests.conftest import DEMO_PASSWORDS
from tests.factories import StockedProductFactory

EDITOR = "editor@atelier.example"


def _publish(page):
    page.get_by_role("button", name="More actions").click()
    page.get_by_role("button", name="Publish").click()


def test_an_editor_rewrites_a_products_description_and_adds_a_gallery_to_its_story(shop, page):
    product = StockedProductFactory(title="Oak shelf")
    content = ProductContent(product=product, description="<p>Words from last year.</p>")
    content.save()
    content.save_revision().publish()
    wagtail_image("Workshop bench", colour=(90, 120, 100))
    story = ProductStoryPage.objects.get(slug="the-fridge-that-fits")
    sign_in(page, shop, EDITOR, DEMO_PASSWORDS[EDITOR])

    page.goto(f"{shop}/cms/snippets/cms/productcontent/edit/{content.pk}/")
    expect(page.locator("#id_headline")).to_be_visible()
    description = page.locator(".Draftail-Editor [contenteditable='true']").first
    description.click()
    page.keyboard.press("Control+A")
    page.keyboard.type("Cut from one oak board and oiled by hand in Sheffield.")
    # Draftail writes its hidden input a moment after typing; publishing before that sends the old words.
    expect(page.locator("input[name='description']")).to_have_value(re.compile("oiled by hand in Sheffield"))
    page.locator("#id_headline").fill("One board, no joins")
    _publish(page)
    expect(page.get_by_text(re.compile("Product content 'Oak shelf' updated and published"))).to_be_visible()

    page.goto(f"{shop}/cms/pages/{story.pk}/edit/")
    page.locator("#panel-child-content-body-section").get_by_role("button", name="Insert a block").last.click()
    page.get_by_role("option", name="Gallery").click()
    gallery = page.locator("[data-contentpath='body'] [data-contentpath='images']").last
    # The new block is drawn by script: on a busy machine the count below ran before it was there.
    expect(gallery).to_be_visible()
    gallery_heading = page.locator("input[name$='-value-heading']").last
    gallery_heading.fill("From the workshop")
    if gallery.get_by_role("button", name="Choose an image").count() == 0:
        gallery.get_by_role("button", name="Insert a block").first.click()
    gallery.get_by_role("button", name="Choose an image").first.click()
    chooser = page.get_by_role("dialog").filter(has=page.get_by_role("link", name="Workshop bench"))
    expect(chooser).to_be_visible(timeout=60_000)  # the chooser's list comes by a second request
    chooser.get_by_role("link", name="Workshop bench").click()
    page.locator("input[name$='-value-alt_text']").last.fill("The bench where the fridges are assembled")
    page.locator("input[name$='-value-caption']").last.fill("Our assembly bench")
    _publish(page)
    expect(page.get_by_text("Page 'The fridge that fits' has been published.")).to_be_visible()

    page.goto(shop + product.get_absolute_url())
    expect(page.get_by_text("Cut from one oak board and oiled by hand in Sheffield.")).to_be_visible()
    expect(page.get_by_text("One board, no joins")).to_be_visible()
    expect(page.get_by_text("Words from last year.")).to_have_count(0)
    assert_accessible(page)

    page.goto(shop + "/the-fridge-that-fits/")
    gallery = page.locator("section.cms-gallery")
    expect(gallery.get_by_role("heading", name="From the workshop")).to_be_visible()
    picture = gallery.get_by_role("img", name="The bench where the fridges are assembled")
    expect(picture).to_be_visible()
    expect(gallery.locator("source[type='image/webp']")).to_have_count(1)
    expect(gallery.get_by_text("Our assembly bench")).to_be_visible()
    picture.scroll_into_view_if_needed()  # loaded lazily
    page.wait_for_function("() => document.querySelector('section.cms-gallery img').currentSrc !== ''")
    assert picture.evaluate("img => img.currentSrc").endswith(".webp")  # the browser chose the WebP
    assert_accessible(page)


def test_a_visitor_sends_the_contact_form_from_the_footer(shop, page):
    contact = FormPage.objects.get(slug="contact")
    page.goto(shop + "/")
    page.get_by_role("contentinfo").get_by_role("link", name="Contact us").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Contact us")
    assert_accessible(page)
    page.get_by_label("Your name").fill("Priya Shah")
    page.get_by_label("Your e-mail address").fill("priya@example.com")
    page.get_by_label("What is it about").select_option("Delivery")
    page.get_by_label("Your message").fill("Can you carry a fridge up three floors?")
    page.get_by_role("button", name="Send").click()

    expect(page.get_by_role("status")).to_contain_text("your message has reached the workshop")
    assert_accessible(page)
    submissions = [submission.get_data() for submission in FormSubmission.objects.filter(page=contact)]
    assert [(data["your_name"], data["your_message"]) for data in submissions] == [
        ("Priya Shah", "Can you carry a fridge up three floors?")
    ]
