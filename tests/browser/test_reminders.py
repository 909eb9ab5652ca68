"""A shopper's triggered reminder reaches the inbox (with the header's unread count) and the email
outbox; unsubscribing from that type through the email's link stops the next one."""

import re
from datetime import date, time

from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone
from oscar.core.loading import get_model
from playwright.sync_api import expect

from loyalty.reminders.models import ReminderRule, ReminderSend, Trigger
from loyalty.reminders.services import delivery, outbox, selection
from tests.browser.accessibility import assert_accessible
from tests.browser.signing_in import sign_in

Notification = get_model("communication", "Notification")


def run_and_deliver(now):
    for ids in selection.run_reminders(now=now).chunks:
        delivery.deliver_sends(send_ids=ids, now=now)
    outbox.deliver_outbox()


def test_reminder_in_inbox_and_outbox_and_unsubscribe_stops_the_next(shop, page):
    ReminderRule.objects.exclude(trigger=Trigger.BIRTHDAY).update(enabled=False)
    ReminderRule.objects.filter(trigger=Trigger.BIRTHDAY).update(
        enabled=True, holdout_percent=0, quiet_start=time(0), quiet_end=time(0)
    )
    now = timezone.now()
    today = timezone.localdate(now)
    shopper = get_user_model().objects.create_user(
        "dora@example.com", "dora-shopper-pw", first_name="Dora", birth_date=date(1990, today.month, today.day)
    )
    mail.outbox.clear()
    run_and_deliver(now)

    sign_in(page, shop, "dora@example.com", "dora-shopper-pw")

    inbox_link = page.locator(".inbox-link")
    expect(inbox_link.locator(".badge-unread")).to_have_text("1")
    inbox_link.click()
    expect(page).to_have_url(shop + "/accounts/notifications/inbox/")
    message = page.locator(".inbox-item--unread")
    expect(message).to_contain_text("Happy birthday, Dora")
    assert_accessible(page)
    message.get_by_role("link").click()
    expect(page.locator(".inbox-message")).to_contain_text("Everyone at the Atelier workshop")
    assert_accessible(page)
    expect(page.locator(".inbox-link .badge-unread")).to_have_count(0)  # read: counted as opened

    # The email outbox: sent, and in the customer's email history.
    [email] = [m for m in mail.outbox if m.to == ["dora@example.com"]]
    assert email.subject == "Happy birthday, Dora!"
    page.goto(shop + "/accounts/emails/")
    expect(page.locator("main")).to_contain_text("Happy birthday, Dora!")
    assert_accessible(page)

    # The email's unsubscribe link, opened in the browser: asks, then stops this type.
    unsubscribe = re.search(r"http://testserver(/reminders/unsubscribe/[^/\s]+/)", email.body).group(1)
    page.goto(shop + unsubscribe)
    expect(page.get_by_role("heading", level=1)).to_have_text("Stop these reminders?")
    assert_accessible(page)
    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You are unsubscribed")
    assert_accessible(page)

    page.goto(shop + "/accounts/reminders/")
    expect(page.locator("#pref-birthday-email")).not_to_be_checked()
    expect(page.locator("#pref-birthday-inbox")).not_to_be_checked()
    expect(page.locator("#pref-win_back-email")).to_be_checked()
    assert_accessible(page)

    # Next year's birthday: recorded as a cause, but nothing reaches her.
    mail.outbox.clear()
    run_and_deliver(now.replace(year=now.year + 1))
    assert ReminderSend.objects.filter(user=shopper).order_by("created_at").last().status == "suppressed"
    assert Notification.objects.filter(recipient=shopper).count() == 1
    assert not [m for m in mail.outbox if m.to == ["dora@example.com"]]
