"""Changing the account's email address needs the current password, counted by the sign-in lockout.

A session is not the password. Whoever holds one (a shared computer, a stolen cookie) could
otherwise put their own address on the account and then reset the password from it: the
account is theirs. So the shop's profile form and Wagtail's account page ask for the current
password when (and only when) the address changes, check it through the sign-in lockout (a
wrong one counts on the same counter; once it is full the form refuses, 429, whatever is typed)
and, after a real change, tell the old address by email with a link to reset the password.
"""

import re

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.test import Client

from tests.factories import PASSWORD, CustomerFactory
from tests.portal.wagtail_account import wagtail_account_form

pytestmark = pytest.mark.django_db

EMAIL = "grace@factory.example"
OTHER = "other@factory.example"


@pytest.fixture(autouse=True)
def customers():
    """The customer who changes their address, and another whose address is taken."""
    return CustomerFactory(email=EMAIL), CustomerFactory(email=OTHER)


User = get_user_model()
PASSWORD_NEEDED = "Enter your current password to change your email address."
WRONG = "That is not your password."
LOCKED = (
    "Too many wrong passwords. For your security, entering this account's password from here is "
    "paused for 15 minutes; nothing was changed."
)
SUBJECT = "Your email address has changed at Atelier."


def errors_in(response):
    html = response.content.decode().replace("&#x27;", "'")
    found = re.findall(
        r"Too many wrong passwords[^<]*|That is not your password\.|Enter your current password to change your"
        r" email address\.|A user with (?:this|that) email address already exists",
        html,
    )
    return [error.strip() for error in found]


def failures(email):
    return sum(AccessAttempt.objects.filter(username=email).values_list("failures_since_start", flat=True))


def edit_profile(client, email, password=None, first_name="Ada", last_name="Lovelace"):
    data = {"first_name": first_name, "last_name": last_name, "email": email}
    if password is not None:
        data["current_password"] = password
    return client.post("/accounts/profile/edit/", data)


# --- the shop's profile form ----------------------------------------------------------------


def test_the_profile_form_refuses_a_new_address_without_the_password(login, mailoutbox):
    client = login(EMAIL)

    response = edit_profile(client, "mallory@example.net")

    assert response.status_code == 200
    assert errors_in(response) == [PASSWORD_NEEDED]
    assert User.objects.filter(email=EMAIL).exists()
    assert not User.objects.filter(email="mallory@example.net").exists()
    assert User.objects.get(email=EMAIL).last_name != "Lovelace"  # nothing of the form saved
    assert mailoutbox == []
    assert failures(EMAIL) == 0  # an empty field is no guess


def test_a_wrong_password_is_counted_and_changes_nothing(login, mailoutbox):
    client = login(EMAIL)

    response = edit_profile(client, "mallory@example.net", "guess")

    assert response.status_code == 200
    assert errors_in(response) == [WRONG]
    assert failures(EMAIL) == 1
    assert User.objects.filter(email=EMAIL).exists()
    assert mailoutbox == []


def test_five_wrong_passwords_lock_the_profile_form_and_the_right_one_is_refused(login, mailoutbox):
    client = login(EMAIL)

    for _ in range(4):
        assert errors_in(edit_profile(client, "mallory@example.net", "guess")) == [WRONG]
    fifth = edit_profile(client, "mallory@example.net", "guess")
    right = edit_profile(client, "mallory@example.net", PASSWORD)

    assert (fifth.status_code, errors_in(fifth)) == (429, [LOCKED])
    assert (right.status_code, errors_in(right)) == (429, [LOCKED])
    assert User.objects.filter(email=EMAIL).exists()
    assert not User.objects.filter(email="mallory@example.net").exists()
    assert mailoutbox == []
    # the same counter as the sign-in page
    signing_in = Client().post(
        "/accounts/login/",
        {"login-username": EMAIL, "login-password": PASSWORD, "login_submit": "1"},
    )
    assert signing_in.status_code == 429


def test_the_right_password_changes_the_address_and_tells_the_old_one(login, mailoutbox):
    client = login(EMAIL)
    user = User.objects.get(email=EMAIL)

    response = edit_profile(client, "Ada.New@Example.com", PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/profile/"
    user.refresh_from_db()
    assert (user.email, user.last_name) == ("ada.new@example.com", "Lovelace")
    (message,) = mailoutbox
    assert message.to == [EMAIL]
    assert message.subject == SUBJECT
    assert "your email address has been changed to ada.new@example.com" in message.body
    assert re.search(r"https?://\S+/password-reset/confirm/\S+/", message.body)
    assert failures(EMAIL) == 0


def test_other_profile_fields_need_no_password(login, mailoutbox):
    client = login(EMAIL)

    response = edit_profile(client, "GRACE@factory.example ", first_name="Augusta")

    assert response.status_code == 302
    assert User.objects.get(email=EMAIL).first_name == "Augusta"
    assert mailoutbox == []  # no change of address, no warning


def test_another_customers_address_is_refused_without_counting_the_password(login, mailoutbox):
    client = login(EMAIL)

    response = edit_profile(client, OTHER, "guess")

    assert response.status_code == 200
    assert errors_in(response) == ["A user with this email address already exists"]
    assert failures(EMAIL) == 0
    assert mailoutbox == []


def test_the_profile_form_asks_for_the_current_password(login):
    response = login(EMAIL).get("/accounts/profile/edit/")

    html = response.content.decode()
    assert re.search(r'<input type="password" name="current_password" autocomplete="current-password"', html)
    assert "Needed only to change your email address." in html


# --- Wagtail's account page -----------------------------------------------------------------


def edit_wagtail_account(client, email, password=None, last_name="Edison"):
    data = wagtail_account_form(client)
    data.update({"name_email-email": email, "name_email-last_name": last_name})
    if password is not None:
        data["name_email-current_password"] = password
    return client.post("/cms/account/", data)


def test_wagtails_account_page_refuses_a_new_address_without_the_password(login, mailoutbox):
    client = login("editor@atelier.example")

    response = edit_wagtail_account(client, "mallory@example.net")

    assert response.status_code == 200
    assert errors_in(response) == [PASSWORD_NEEDED]
    editor = User.objects.get(email="editor@atelier.example")
    assert editor.last_name != "Edison"
    assert mailoutbox == []


def test_wagtails_account_page_counts_a_wrong_password_once(login, mailoutbox):
    client = login("editor@atelier.example")

    response = edit_wagtail_account(client, "mallory@example.net", "guess")

    assert response.status_code == 200
    assert errors_in(response) == [WRONG]
    assert failures("editor@atelier.example") == 1  # Wagtail builds its forms again to show them
    assert User.objects.filter(email="editor@atelier.example").exists()
    assert mailoutbox == []


def test_wagtails_account_page_locks_after_five_wrong_passwords(login, mailoutbox):
    client = login("editor@atelier.example")

    for _ in range(5):
        edit_wagtail_account(client, "mallory@example.net", "guess")
    right = edit_wagtail_account(client, "mallory@example.net", "atelier-editor")

    assert (right.status_code, errors_in(right)) == (429, [LOCKED])
    assert User.objects.filter(email="editor@atelier.example").exists()
    assert not User.objects.filter(email="mallory@example.net").exists()
    assert mailoutbox == []


def test_wagtails_account_page_changes_the_address_with_the_password_and_tells_the_old_one(login, mailoutbox):
    client = login("editor@atelier.example")
    editor = User.objects.get(email="editor@atelier.example")

    response = edit_wagtail_account(client, "Editor.New@Atelier.example", "atelier-editor")

    assert response.status_code == 302
    editor.refresh_from_db()
    assert (editor.email, editor.last_name) == ("editor.new@atelier.example", "Edison")
    (message,) = mailoutbox
    assert message.to == ["editor@atelier.example"]
    assert message.subject == SUBJECT
    assert "your email address has been changed to editor.new@atelier.example" in message.body


def test_wagtails_account_page_refuses_a_taken_address_without_counting_the_password(login, mailoutbox):
    client = login("editor@atelier.example")

    response = edit_wagtail_account(client, "Grace@factory.example", "guess")

    assert response.status_code == 200
    assert errors_in(response) == ["A user with that email address already exists"]
    assert failures("editor@atelier.example") == 0
    assert User.objects.filter(email="editor@atelier.example").exists()
    assert mailoutbox == []


def test_wagtails_account_page_changes_the_name_without_the_password(login, mailoutbox):
    client = login("editor@atelier.example")

    response = edit_wagtail_account(client, "EDITOR@atelier.example")

    assert response.status_code == 302
    assert User.objects.get(email="editor@atelier.example").last_name == "Edison"
    assert mailoutbox == []
