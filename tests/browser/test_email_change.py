"""A shopper changes their email address on the profile page: the current password first, then the
old address is told."""

from django.contrib.auth import get_user_model
from django.core import mail
from playwright.sync_api import expect

from tests.browser.accessibility import assert_accessible
from tests.browser.signing_in import SHOPPER_PASSWORD, sign_in

User = get_user_model()


def test_changing_the_address_on_the_profile_page_needs_the_password(shop, page):
    sign_in(page, shop, "ada@example.com")
    mail.outbox.clear()
    page.goto(shop + "/accounts/profile/edit/")
    expect(page.get_by_text("Needed only to change your email address.")).to_be_visible()
    page.get_by_label("Email address").fill("ada.lovelace@example.com")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_text("Enter your current password to change your email address.")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Current password").fill("not-my-password")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("That is not your password.")).to_be_visible()
    assert User.objects.filter(email="ada@example.com").exists()

    page.get_by_label("Current password").fill(SHOPPER_PASSWORD)
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_text("Profile updated")).to_be_visible()
    expect(page.get_by_text("ada.lovelace@example.com")).to_be_visible()
    assert_accessible(page)
    assert [message.to for message in mail.outbox] == [["ada@example.com"]]
