"""Checkout's "returning customer" sign-in: the same backends, the same lockout as the login page."""

import pytest
from django.contrib.auth import get_user_model

from tests.factories import PASSWORD, CustomerFactory

pytestmark = pytest.mark.django_db


def _sign_in(client, email, password):
    return client.post(
        "/accounts/login/",
        {"login-username": email, "login-password": password, "login_submit": "1"},
    )


def _basket_with_a_fridge(client):
    client.post("/configure/atelier-fridge/", {"action": "basket", "hinge": "left"})


def _checkout_sign_in(client, email, password):
    return client.post(
        "/checkout/",
        {"username": email, "password": password, "options": "existing"},
    )


def test_returning_customer_signs_in_at_checkout(client):
    customer = CustomerFactory(email="grace@factory.example")
    _basket_with_a_fridge(client)

    response = _checkout_sign_in(client, "Grace@Factory.example", PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/checkout/shipping-address/"
    assert get_user_model().objects.get(pk=client.session["_auth_user_id"]) == customer


def test_checkout_sign_in_shares_the_lockout_of_the_login_page(client):
    _basket_with_a_fridge(client)
    CustomerFactory(email="grace@factory.example")
    for _ in range(5):
        _sign_in(client, "grace@factory.example", "wrong-password")

    response = _checkout_sign_in(client, "GRACE@factory.example", PASSWORD)

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
