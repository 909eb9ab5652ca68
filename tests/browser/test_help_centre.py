"""The help centre in a browser: a shopper finds an answer and votes; an editor writes a topic."""

import re

from playwright.sync_api import expect

from care.help.models import AnswerVote, HelpTopicPage
from tests.browser.accessibility import assert_accessible
from tests.browser.signing_in import sign_in
from tests.conftest import DEMO_PASSWORDS


def test_a_shopper_finds_an_answer_through_the_help_link_and_says_it_helped(shop, page):
    page.goto(shop + "/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Help").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Help centre")
    assert_accessible(page)
    page.get_by_label("Search the help centre").fill("cancel my order")
    page.get_by_role("button", name="Search").click()

    expect(page).to_have_url(re.compile(r"/help/search/\?q=cancel\+my\+order$"))
    answer = page.get_by_role("link", name="Can I change or cancel my order after paying?")
    expect(answer.locator("mark").first).to_have_text("cancel")
    assert_accessible(page)
    answer.click()

    expect(page).to_have_url(shop + "/help/ordering/#change-or-cancel")
    # The answer is sent in the background once help.js (deferred) listens; a click before that
    # posts the plain form, whose thanks come at the top of the page (tested in tests/help).
    page.wait_for_load_state("domcontentloaded")
    question = page.locator("section#change-or-cancel")
    expect(question).to_contain_text("until your order enters production")
    question.get_by_role("button", name="Yes").click()

    expect(question.get_by_role("status")).to_have_text("Thank you: glad it helped.")
    expect(question.get_by_role("button", name="Yes")).to_be_hidden()
    assert_accessible(page)
    topic = HelpTopicPage.objects.get(slug="ordering")
    key = next(q.key for q in topic.questions() if q.anchor == "change-or-cancel")
    assert list(AnswerVote.objects.filter(page=topic).values_list("question_key", "helpful")) == [(key, True)]

    page.reload()  # the page remembers the answer instead of asking again
    expect(question).to_contain_text("You told us this answered your question.")


def test_an_editor_writes_previews_and_publishes_a_help_topic(shop, page):
    sign_in(page, shop, "editor@atelier.example", DEMO_PASSWORDS["editor@atelier.example"])
    index = HelpTopicPage.objects.get(slug="paying").get_parent()
    page.goto(f"{shop}/cms/pages/add/help/helptopicpage/{index.pk}/")

    page.locator("#id_title").fill("Gift cards")
    page.locator("#id_introduction").fill("Buying and spending gift cards.")
    page.locator("#panel-child-content-body-section").get_by_role("button", name="Insert a block").first.click()
    # The only block type a topic takes: the button inserts a question at once.
    page.locator("input[name='body-0-value-question']").fill("Do gift cards expire?")
    answer = page.locator(".Draftail-Editor [contenteditable='true']").first
    answer.click()
    page.keyboard.type("Gift cards are valid for two years from the day you buy them.")
    expect(page.locator("input[name='body-0-value-answer']")).to_have_value(re.compile("valid for two years"))
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Page 'Gift cards' created.")).to_be_visible()

    page.get_by_role("button", name="Toggle preview").click()
    preview = page.frame_locator("#w-preview-iframe")  # Wagtail swaps in a fresh frame on each update
    expect(preview.get_by_role("heading", name="Do gift cards expire?")).to_be_visible()
    expect(preview.locator("body")).to_contain_text("valid for two years")
    assert not HelpTopicPage.objects.get(slug="gift-cards").live

    page.get_by_role("button", name="More actions").click()
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("Page 'Gift cards' has been published.")).to_be_visible()

    page.goto(shop + "/help/search/?q=expire")
    expect(page.get_by_role("link", name="Do gift cards expire?")).to_be_visible()
