"""Unsubscribe tokens, tracked links, the preferences page, the inbox and the staff dashboard."""

from datetime import date
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core import signing
from django.utils import timezone
from oscar.core.loading import get_model

from loyalty.reminders import links
from loyalty.reminders.models import ReminderConsent, ReminderSend, Trigger
from loyalty.reminders.services import clicks, delivery, selection
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db

Notification = get_model("communication", "Notification")


@pytest.fixture
def sent_birthday(rule, customer, now):
    """Ada, with a birthday reminder delivered to her inbox and outbox."""
    rule(Trigger.BIRTHDAY)
    today = timezone.localdate(now)
    ada = customer(birth_date=date(1990, today.month, today.day), first_name="Ada")
    for ids in selection.run_reminders(now=now).chunks:
        delivery.deliver_sends(send_ids=ids, now=now)
    return ReminderSend.objects.get(user=ada)


def consents(user):
    return set(ReminderConsent.objects.filter(user=user, allowed=False).values_list("trigger", "channel"))


# --- one-click unsubscribe -----------------------------------------------------------------


def test_unsubscribe_link_asks_on_get_and_unsubscribes_on_post(client, customer):
    ada = customer()
    path = links.unsubscribe_path(ada.pk, Trigger.WIN_BACK)
    page = client.get(path)
    assert page.status_code == 200
    assert "Lapsed customer win-back" in page.content.decode()
    assert consents(ada) == set()  # a link scanner's GET changes nothing
    done = client.post(path)  # RFC 8058 one-click: no session, no CSRF token
    assert done.status_code == 200
    assert consents(ada) == {("win_back", "email"), ("win_back", "inbox")}


def test_forged_unsubscribe_token_is_refused_and_changes_nothing(client, customer):
    ada = customer()
    forged = signing.dumps({"u": ada.pk, "t": "win_back"}, key="not-our-secret", salt=links.UNSUBSCRIBE_SALT)
    for token in (forged, links.unsubscribe_path(ada.pk, "win_back").split("/")[-2] + "x", "garbage"):
        response = client.post(f"/reminders/unsubscribe/{token}/")
        assert response.status_code == 400
        assert "This link is not valid" in response.content.decode()
    assert consents(ada) == set()


def test_expired_unsubscribe_token_is_refused_and_changes_nothing(client, customer):
    ada = customer()
    long_ago = timezone.now().timestamp() - links.UNSUBSCRIBE_MAX_AGE.total_seconds() - 60
    with mock.patch("time.time", return_value=long_ago):
        path = links.unsubscribe_path(ada.pk, "win_back")
    response = client.post(path)
    assert response.status_code == 400
    assert "This link has expired" in response.content.decode()
    assert consents(ada) == set()


def test_unsubscribe_link_of_an_erased_account_changes_nothing(client, customer):
    gone = customer()
    gone_id = gone.pk
    path = links.unsubscribe_path(gone_id, Trigger.WIN_BACK)
    gone.delete()
    response = client.post(path)
    assert response.status_code == 200
    assert not ReminderConsent.objects.filter(user_id=gone_id).exists()


def test_unsubscribing_from_a_type_stops_the_next_one(sent_birthday, client, now):
    ada = sent_birthday.user
    client.post(links.unsubscribe_path(ada.pk, Trigger.BIRTHDAY))
    next_year = now.replace(year=2027)
    for ids in selection.run_reminders(now=next_year).chunks:
        delivery.deliver_sends(send_ids=ids, now=next_year)
    assert ReminderSend.objects.get(dedupe_key=f"birthday:{ada.pk}:2027").status == ReminderSend.Status.SUPPRESSED
    assert Notification.objects.filter(recipient=ada).count() == 1


# --- tracked links ------------------------------------------------------------------------


def test_tracked_link_records_the_click_and_redirects_on_site(sent_birthday, client):
    path = links.tracked_path(sent_birthday.pk, "/catalogue/")
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == "/catalogue/"
    client.get(path)
    sent_birthday.refresh_from_db()
    assert sent_birthday.clicks == 2
    assert sent_birthday.clicked_at is not None


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example"])
def test_tracked_link_never_leaves_the_site(client, target):
    with pytest.raises(ValueError, match="only paths on this site"):
        links.tracked_path(1, target)
    forged = signing.dumps([1, target], salt=links.CLICK_SALT, compress=True)  # signed with our key, even
    response = client.get(f"/reminders/go/{forged}/")
    assert response.status_code == 400
    assert "Location" not in response


def test_tampered_tracked_link_is_refused(client):
    token = links.tracked_path(1, "/catalogue/").split("/")[-2]
    response = client.get(f"/reminders/go/{token[:-2]}zz/")
    assert response.status_code == 400


# --- preferences page ---------------------------------------------------------------------


def test_preferences_page_saves_consent_per_type_and_channel(client, customer):
    ada = customer()
    client.force_login(ada)
    page = client.get("/accounts/reminders/")
    assert page.status_code == 200
    assert 'name="birthday:email" checked' in page.content.decode()
    allowed = {f"{t}:{c}": "on" for t in Trigger.values for c in ("email", "inbox")}
    del allowed["survey:email"], allowed["win_back:inbox"]
    response = client.post("/accounts/reminders/", allowed)
    assert response.status_code == 302
    assert consents(ada) == {("survey", "email"), ("win_back", "inbox")}
    assert 'name="survey:email">' in client.get("/accounts/reminders/").content.decode()


def test_preferences_page_needs_a_login(client):
    response = client.get("/accounts/reminders/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


# --- inbox --------------------------------------------------------------------------------


def test_inbox_lists_the_reminder_and_the_header_counts_it_unread(sent_birthday, client):
    client.force_login(sent_birthday.user)
    inbox = client.get("/accounts/notifications/inbox/").content.decode()
    assert "Happy birthday, Ada" in inbox
    assert 'class="badge-unread"' in inbox
    detail = client.get(f"/accounts/notifications/{sent_birthday.notification_id}/")
    assert detail.status_code == 200
    assert 'class="badge-unread"' not in client.get("/accounts/notifications/inbox/").content.decode()


def test_another_customers_notification_is_404(sent_birthday, client, customer):
    client.force_login(customer())
    response = client.get(f"/accounts/notifications/{sent_birthday.notification_id}/")
    assert response.status_code == 404
    assert "Happy birthday" not in response.content.decode()
    sent_birthday.notification.refresh_from_db()
    assert sent_birthday.notification.date_read is None


# --- staff dashboard ----------------------------------------------------------------------


def test_dashboard_shows_sent_opened_clicked_converted_against_control(sent_birthday, client, now):
    Notification.objects.filter(pk=sent_birthday.notification_id).update(date_read=now)
    clicks.record_click(send_id=sent_birthday.pk)
    OrderFactory(user=sent_birthday.user, status="Delivered", placed=now + timezone.timedelta(days=2))
    admin = get_user_model().objects.get(email="admin@atelier.example")
    client.force_login(admin)
    page = client.get("/dashboard/reminders/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html
    row = html.split('id="stats-birthday"')[1].split("</tr>")[0]
    cells = [c.split("<")[0].strip() for c in row.split("<td>")[1:]]
    assert cells[:4] == ["1", "1", "1", "1"]


def test_dashboard_is_for_staff_with_the_permission(client, customer):
    assert client.get("/dashboard/reminders/").status_code == 302
    client.force_login(customer())
    assert client.get("/dashboard/reminders/").status_code == 403
    staff = customer(is_staff=True)
    client.force_login(staff)
    assert client.get("/dashboard/reminders/").status_code == 403
    staff.user_permissions.add(Permission.objects.get(codename="view_remindersend"))
    client.force_login(get_user_model().objects.get(pk=staff.pk))
    assert client.get("/dashboard/reminders/").status_code == 200
