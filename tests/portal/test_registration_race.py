"""Two registrations of one address at the same moment (a double click): one account, both signed in to it."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client

from loyalty.reminders.models import ConsentRecord
from tests.helpers import at_once

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's real concurrency"),
]

PASSWORD = "a-long-fresh-passphrase"


def _register(typed):
    client = Client()
    response = client.post(
        "/accounts/login/",
        {
            "registration-email": typed,
            "registration-password1": PASSWORD,
            "registration-password2": PASSWORD,
            "registration-consent_birthday_email": "on",
            "registration_submit": "1",
        },
    )
    return response.status_code, response.get("Location"), client.session.get("_auth_user_id")


def test_two_registrations_of_one_address_at_once_make_one_account_and_sign_both_in(committed_demo_shop):
    outcomes = at_once(_register, ["sam@example.com", "Sam@Example.com", "SAM@example.com "])

    [user] = get_user_model().objects.filter(email__iexact="sam@example.com")
    assert user.email == "sam@example.com"
    assert outcomes == [(302, "/accounts/", str(user.pk))] * 3
    assert ConsentRecord.objects.filter(user=user).count() == 1
