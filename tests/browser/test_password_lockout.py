"""A signed-in shopper who types wrong passwords on the account's own forms is stopped there, in place,
as on the sign-in page; saving reminder preferences keeps what was asked and answered."""

from playwright.sync_api import expect

from loyalty.reminders.models import ConsentRecord
from portal.hub.models import DeletionRequest
from tests.browser.accessibility import assert_accessible
from tests.browser.signing_in import sign_in

LOCKED = (
    "Too many wrong passwords. For your security, entering this account's password from here is "
    "paused for 15 minutes; nothing was changed."
)


def test_wrong_passwords_on_the_deletion_form_stop_it_and_change_password_too(shop, page):
    sign_in(page, shop, "ben@example.com")
    page.goto(shop + "/accounts/profile/delete/")
    for attempt in range(5):
        page.get_by_label("Your password").fill(f"guess-{attempt}")
        page.get_by_label("I understand").check()
        page.get_by_role("button", name="Delete my account").click()
        if attempt == 0:
            expect(page.get_by_text("That is not your password.")).to_be_visible()

    expect(page.get_by_text(LOCKED)).to_be_visible()
    expect(page.get_by_role("heading", name="Delete your account")).to_be_visible()  # the hub, not an error page
    assert_accessible(page)

    page.goto(shop + "/accounts/change-password/")
    page.get_by_label("Old password").fill("atelier-shopper")  # the right one, refused until the cool-off
    page.get_by_label("New password", exact=True).fill("quiet-harbour-7319")
    page.get_by_label("New password confirmation").fill("quiet-harbour-7319")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_text(LOCKED)).to_be_visible()
    assert_accessible(page)
    assert not DeletionRequest.objects.exists()


def test_saving_reminder_preferences_is_kept_with_the_words_shown(shop, page):
    sign_in(page, shop, "chloe@example.com")
    page.goto(shop + "/accounts/reminders/")
    page.get_by_label("Birthday: Email").uncheck()
    page.get_by_role("button", name="Save preferences").click()

    expect(page.get_by_text("Your reminder preferences are saved.")).to_be_visible()
    expect(page.get_by_label("Birthday: Email")).not_to_be_checked()
    assert_accessible(page)
    (record,) = ConsentRecord.objects.filter(user__email="chloe@example.com", source="preferences")
    assert record.choices["birthday"] == {"email": False, "inbox": True}
    assert "Birthday: Email" in record.wording.splitlines()
