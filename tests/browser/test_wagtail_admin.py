"""Editors in Wagtail's admin: no page breaks the site's Content Security Policy or asks another site for anything."""

import re

from playwright.sync_api import expect

from portal.cms.models import HomePage
from tests.browser.accessibility import assert_accessible
from tests.browser.signing_in import sign_in

ADMIN_PAGES = [
    "/cms/",
    "/cms/pages/",
    "/cms/pages/{home}/edit/",
    "/cms/snippets/cms/navigationmenu/",
    "/cms/images/",
    "/cms/account/",
]


def test_editor_pages_log_no_console_error_and_fetch_nothing_elsewhere(shop, page):
    errors, elsewhere = [], []
    page.on("console", lambda message: message.type == "error" and errors.append(f"{page.url}: {message.text}"))
    page.on("request", lambda request: request.url.startswith(shop) or elsewhere.append(request.url))
    home = HomePage.objects.get()
    sign_in(page, shop, "editor@atelier.example", "atelier-editor")

    for path in ADMIN_PAGES:
        page.goto(shop + path.format(home=home.pk))
        expect(page.locator("main, #main").first).to_be_visible()
        page.wait_for_load_state("networkidle")
        assert_accessible(page)

    assert [error for error in errors if re.search("Content Security Policy", error)] == []
    assert errors == []
    assert elsewhere == []


def test_the_reminder_rules_listing_searches_nothing_of_the_shops(shop, page):
    sign_in(page, shop, "admin@atelier.example", "atelier-admin")
    page.goto(shop + "/cms/snippets/reminders/reminderrule/")

    expect(page.get_by_role("heading", name="Reminder rules")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Birthday"))).to_be_visible()
    expect(page.get_by_role("combobox")).to_have_count(0)  # Oscar's "Relevancy / Customer rating / Price"
    assert_accessible(page)
