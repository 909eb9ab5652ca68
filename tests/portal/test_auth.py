"""Signing in and out: the real form, lockout after repeated failures, POST-only sign-out."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.test import Client

from tests.factories import PASSWORD, CustomerFactory

pytestmark = pytest.mark.django_db

EMAIL = "grace@factory.example"


@pytest.fixture
def customer():
    return CustomerFactory(email=EMAIL)


def _sign_in(client, email, password):
    return client.post(
        "/accounts/login/",
        {"login-username": email, "login-password": password, "login_submit": "1"},
    )


def test_demo_shopper_signs_in_through_the_login_form(client):
    response = _sign_in(client, "ada@example.com", "atelier-shopper")

    assert response.status_code == 302
    assert client.get("/accounts/profile/").status_code == 200


def test_five_wrong_passwords_lock_the_account_from_that_address(client, customer):
    for _ in range(5):
        response = _sign_in(client, EMAIL, "wrong-password")
    assert response.status_code in (200, 429)

    response = _sign_in(client, EMAIL, PASSWORD)

    assert response.status_code == 429
    assert "Too many sign-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_address_so_the_owner_elsewhere_can_still_sign_in(client, customer):
    for _ in range(5):
        _sign_in(client, EMAIL, "wrong-password")

    elsewhere = Client(REMOTE_ADDR="203.0.113.9")
    response = _sign_in(elsewhere, EMAIL, PASSWORD)

    assert response.status_code == 302


def test_sign_out_asks_first_on_get_and_signs_out_on_post(client, customer):
    client.force_login(customer)

    response = client.get("/accounts/logout/")
    assert response.status_code == 200
    assert "_auth_user_id" in client.session

    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_sign_out_without_csrf_token_is_refused(customer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(customer)

    response = client.post("/accounts/logout/")

    assert response.status_code == 403
    assert "_auth_user_id" in client.session


@pytest.mark.parametrize("typed", ["GRACE@FACTORY.EXAMPLE", "  grace@factory.example", "Grace@Factory.example "])
def test_any_case_or_surrounding_space_of_the_address_signs_in(client, customer, typed):
    response = _sign_in(client, typed, PASSWORD)

    assert response.status_code == 302
    assert client.get("/accounts/profile/").status_code == 200


@pytest.mark.parametrize("variant", ["GRACE@FACTORY.EXAMPLE", " grace@factory.example", "Grace@Factory.example  "])
def test_after_five_failures_every_spelling_of_the_address_is_locked(client, customer, variant):
    for _ in range(5):
        _sign_in(client, EMAIL, "wrong-password")

    response = _sign_in(client, variant, PASSWORD)

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_failures_in_different_spellings_count_against_one_counter(client, customer):
    spellings = [
        EMAIL,
        "GRACE@factory.example",
        " Grace@Factory.example",
        "grace@FACTORY.EXAMPLE ",
        "gRace@factory.example",
    ]
    for typed in spellings:
        _sign_in(client, typed, "wrong-password")

    assert list(AccessAttempt.objects.values_list("username", "failures_since_start")) == [(EMAIL, 5)]
    response = _sign_in(client, EMAIL, PASSWORD)
    assert response.status_code == 429


def test_failures_on_the_shop_lock_the_content_editors_sign_in_too(client):
    """Wagtail's and Django's admin sign-in pages take the address as typed (no email field to
    trim it); the backends and the lockout normalise it all the same."""
    for typed in [
        "editor@atelier.example",
        "EDITOR@atelier.example",
        "Editor@Atelier.Example",
        " editor@atelier.example",
    ]:
        _sign_in(client, typed, "wrong-password")
    client.post("/cms/login/", {"username": "eDitor@atelier.example ", "password": "wrong-password"})

    response = client.post("/cms/login/", {"username": "Editor@atelier.example", "password": "atelier-editor"})

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_content_editor_signs_in_to_wagtail_with_any_spelling(client):
    response = client.post("/cms/login/", {"username": " EDITOR@atelier.example", "password": "atelier-editor"})

    assert response.status_code == 302
    assert get_user_model().objects.get(pk=client.session["_auth_user_id"]).email == "editor@atelier.example"


def test_a_password_reset_asked_in_any_spelling_reaches_the_account(client, customer, mailoutbox):
    response = client.post("/password-reset/", {"email": " GRACE@Factory.example"})

    assert response.status_code == 302
    assert [message.to for message in mailoutbox] == [[EMAIL]]
