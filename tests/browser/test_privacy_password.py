"""A visitor at a private page's password form: a wrong one says so, and past the limit the form says
to wait, then refuses the right one too."""

from django.test import override_settings
from playwright.sync_api import expect
from wagtail.models import PageViewRestriction

from portal.cms.models import ContentPage
from tests.browser.accessibility import assert_accessible


@override_settings(PRIVACY_PASSWORD_RATE="3/15m")
def test_guessing_a_private_pages_password_is_stopped(shop, page):
    about = ContentPage.objects.get(slug="about")
    PageViewRestriction.objects.create(
        page=about, restriction_type=PageViewRestriction.PASSWORD, password="open-sesame"
    )
    page.goto(shop + about.url)

    for attempt in range(3):
        page.get_by_label("Password").fill(f"guess-{attempt}")
        page.get_by_role("button", name="Continue").click()
        expect(page.get_by_text("The password you have entered is not correct. Please try again.")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Password").fill("open-sesame")
    page.get_by_role("button", name="Continue").click()

    expect(
        page.get_by_text("Too many tries at this password from your network. Please wait 15 minutes and try again.")
    ).to_be_visible()
    expect(page.get_by_label("Password")).to_be_visible()
    assert_accessible(page)
    page.goto(shop + about.url)
    expect(page.get_by_role("heading", name="Password required")).to_be_visible()
