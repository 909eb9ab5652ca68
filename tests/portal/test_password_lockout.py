"""Every form that asks for a signed-in person's password counts wrong ones against the sign-in lockout.

Whoever holds a signed-in session (a shared computer, a stolen session cookie) could otherwise
guess the password without limit on the hub's deletion form or a change-password form, then use
it to change the password or the address. The failures count against the same django-axes
counter as the sign-in page (one per address, from one client): five in all lock the account
there, on every such form and on the sign-in page, until the cool-off; the right password is
refused too meanwhile, and nothing is changed. A password reset through the emailed link lifts
the lockout at once: the lockout page itself sends people there.
"""

import re

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.test import Client

from portal.hub.models import DeletionRequest
from tests.factories import PASSWORD, CustomerFactory
from tests.portal.wagtail_account import wagtail_account_form

pytestmark = pytest.mark.django_db

EMAIL = "grace@factory.example"


@pytest.fixture(autouse=True)
def customer():
    """The shopper whose forms are guessed at, signed in by address as the forms are."""
    return CustomerFactory(email=EMAIL)


User = get_user_model()
LOCKED = (
    "Too many wrong passwords. For your security, entering this account's password from here is "
    "paused for 15 minutes; nothing was changed."
)
NEW_PASSWORD = "quiet-harbour-7319"


def errors_in(response):
    """The error texts a form shows (Oscar's, Django admin's and Wagtail's markup alike), unescaped."""
    html = response.content.decode().replace("&#x27;", "'")
    found = re.findall(r"Too many wrong passwords[^<]*|That is not your password\.|Your old password was entered"
                       r" incorrectly\. Please enter it again\.", html)  # fmt: skip
    return [error.strip() for error in found]


def failures(email):
    return sum(AccessAttempt.objects.filter(username=email).values_list("failures_since_start", flat=True))


def sign_in(client, email, password):
    return client.post("/accounts/login/", {"login-username": email, "login-password": password, "login_submit": "1"})


def ask_for_deletion(client, password):
    return client.post("/accounts/profile/delete/", {"password": password, "understood": "on"})


def change_password(client, old, new=NEW_PASSWORD):
    return client.post("/accounts/change-password/", {"old_password": old, "new_password1": new, "new_password2": new})


# --- the hub's deletion form ---------------------------------------------------------------


def test_five_wrong_passwords_on_the_deletion_form_lock_it_and_the_right_one_is_refused(login):
    client = login(EMAIL)

    for _ in range(4):
        response = ask_for_deletion(client, "guess")
        assert response.status_code == 422
        assert errors_in(response) == ["That is not your password."]
    fifth = ask_for_deletion(client, "guess")
    right = ask_for_deletion(client, PASSWORD)

    assert (fifth.status_code, errors_in(fifth)) == (429, [LOCKED])
    assert (right.status_code, errors_in(right)) == (429, [LOCKED])
    assert not DeletionRequest.objects.exists()
    assert "_auth_user_id" in client.session  # still signed in: the form says it, in place


def test_the_deletion_form_still_takes_the_right_password(login):
    client = login(EMAIL)
    ask_for_deletion(client, "guess")

    response = ask_for_deletion(client, PASSWORD)

    assert response.status_code == 302
    assert DeletionRequest.objects.filter(user__email=EMAIL).count() == 1


# --- Oscar's change-password form ----------------------------------------------------------


def test_five_wrong_passwords_on_change_password_lock_it_and_the_password_stays(login, mailoutbox):
    client = login(EMAIL)

    for _ in range(4):
        response = change_password(client, "guess")
        assert response.status_code == 200
        assert errors_in(response) == ["Your old password was entered incorrectly. Please enter it again."]
    fifth = change_password(client, "guess")
    right = change_password(client, PASSWORD)

    assert (fifth.status_code, errors_in(fifth)) == (429, [LOCKED])
    assert (right.status_code, errors_in(right)) == (429, [LOCKED])
    customer = User.objects.get(email=EMAIL)
    assert customer.check_password(PASSWORD) and not customer.check_password(NEW_PASSWORD)
    assert mailoutbox == []  # no "your password was changed" either


def test_change_password_still_takes_the_right_password(login):
    client = login(EMAIL)
    change_password(client, "guess")

    response = change_password(client, PASSWORD)

    assert response.status_code == 302
    assert User.objects.get(email=EMAIL).check_password(NEW_PASSWORD)


# --- one counter with the sign-in page -----------------------------------------------------


def test_wrong_passwords_on_the_account_forms_lock_the_sign_in_page(login):
    signed_in = login(EMAIL)
    for _ in range(3):
        ask_for_deletion(signed_in, "guess")
    for _ in range(2):
        change_password(signed_in, "guess")

    response = sign_in(Client(), "Grace@Factory.example", PASSWORD)

    assert response.status_code == 429
    assert "Too many sign-in attempts" in response.content.decode()


def test_wrong_passwords_on_the_sign_in_page_lock_the_account_forms(login):
    for typed in [EMAIL, "GRACE@factory.example", EMAIL, " Grace@Factory.example", EMAIL]:
        sign_in(Client(), typed, "guess")
    signed_in = login(EMAIL)

    deletion = ask_for_deletion(signed_in, PASSWORD)
    change = change_password(signed_in, PASSWORD)

    assert (deletion.status_code, errors_in(deletion)) == (429, [LOCKED])
    assert (change.status_code, errors_in(change)) == (429, [LOCKED])
    assert not DeletionRequest.objects.exists()
    assert User.objects.get(email=EMAIL).check_password(PASSWORD)


def test_every_wrong_password_counts_once_on_one_counter(login):
    client = login(EMAIL)
    ask_for_deletion(client, "guess")
    change_password(client, "guess")
    sign_in(Client(), "GRACE@factory.example", "guess")

    assert failures(EMAIL) == 3


def test_the_lock_is_for_that_client_only_so_the_owner_elsewhere_goes_on(login):
    client = login(EMAIL)
    for _ in range(5):
        ask_for_deletion(client, "guess")

    elsewhere = Client(REMOTE_ADDR="203.0.113.9")
    elsewhere.force_login(User.objects.get(email=EMAIL))

    assert ask_for_deletion(elsewhere, PASSWORD).status_code == 302


# --- Wagtail's and Django admin's own password change --------------------------------------


def change_wagtail_password(client, old):
    data = wagtail_account_form(client)
    data.update({
        "password-old_password": old, "password-new_password1": NEW_PASSWORD, "password-new_password2": NEW_PASSWORD,
    })  # fmt: skip
    return client.post("/cms/account/", data)


def test_wagtails_password_change_counts_each_wrong_password_once_and_locks(login):
    client = login("editor@atelier.example")

    first = change_wagtail_password(client, "guess")
    assert first.status_code == 200
    assert errors_in(first) == ["Your old password was entered incorrectly. Please enter it again."]
    assert failures("editor@atelier.example") == 1  # Wagtail validates its forms again to show them
    for _ in range(4):
        change_wagtail_password(client, "guess")
    right = change_wagtail_password(client, "atelier-editor")

    assert (right.status_code, errors_in(right)) == (429, [LOCKED])
    assert User.objects.get(email="editor@atelier.example").check_password("atelier-editor")
    assert sign_in(Client(), "editor@atelier.example", "atelier-editor").status_code == 429


def test_wagtails_password_change_still_takes_the_right_password(login):
    client = login("editor@atelier.example")

    response = change_wagtail_password(client, "atelier-editor")

    assert response.status_code == 302
    assert User.objects.get(email="editor@atelier.example").check_password(NEW_PASSWORD)


def change_admin_password(client, old):
    return client.post(
        "/django-admin/password_change/",
        {"old_password": old, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )


def test_django_admins_password_change_locks_after_five_wrong_passwords(login):
    client = login("admin@atelier.example")

    for _ in range(5):
        change_admin_password(client, "guess")
    right = change_admin_password(client, "atelier-admin")

    assert (right.status_code, errors_in(right)) == (429, [LOCKED])
    assert failures("admin@atelier.example") == 6
    assert User.objects.get(email="admin@atelier.example").check_password("atelier-admin")


def test_django_admins_password_change_still_takes_the_right_password(login):
    client = login("admin@atelier.example")

    response = change_admin_password(client, "atelier-admin")

    assert response.status_code == 302
    assert User.objects.get(email="admin@atelier.example").check_password(NEW_PASSWORD)


# --- a password reset lifts the lockout ----------------------------------------------------


def reset_link(mailoutbox, prefix):
    (message,) = mailoutbox
    return re.search(rf"https?://[^/\s]+({prefix}[^\s\"]+/)", message.body).group(1)


def test_a_password_reset_lifts_the_lockout_so_the_new_password_signs_in_at_once(client, mailoutbox):
    for typed in [EMAIL, "GRACE@FACTORY.EXAMPLE", EMAIL, "Grace@factory.example", EMAIL]:
        sign_in(client, typed, "guess")
    assert sign_in(client, EMAIL, PASSWORD).status_code == 429

    client.post("/password-reset/", {"email": "Grace@Factory.example"})
    form = client.get(reset_link(mailoutbox, "/password-reset/confirm/"), follow=True)
    done = client.post(form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert done.status_code == 302 and done["Location"] == "/password-reset/complete/"
    assert failures(EMAIL) == 0
    response = sign_in(client, EMAIL, NEW_PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(User.objects.get(email=EMAIL).pk)


def test_a_reset_link_that_fails_lifts_nothing(client, mailoutbox):
    for _ in range(5):
        sign_in(client, EMAIL, "guess")
    client.post("/password-reset/", {"email": EMAIL})
    form = client.get(reset_link(mailoutbox, "/password-reset/confirm/"), follow=True)

    mismatch = client.post(form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": "other"})

    assert mismatch.status_code == 200
    assert failures(EMAIL) == 5


def test_wagtails_password_reset_lifts_the_lockout_too(client, mailoutbox):
    for _ in range(5):
        client.post("/cms/login/", {"username": "editor@atelier.example", "password": "guess"})
    assert (
        client.post("/cms/login/", {"username": "editor@atelier.example", "password": "atelier-editor"}).status_code
        == 429
    )

    client.post("/cms/password_reset/", {"email": "editor@atelier.example"})
    form = client.get(reset_link(mailoutbox, "/cms/password_reset/confirm/"), follow=True)
    done = client.post(form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert done.status_code == 302
    response = client.post("/cms/login/", {"username": "editor@atelier.example", "password": NEW_PASSWORD})
    assert response.status_code == 302
