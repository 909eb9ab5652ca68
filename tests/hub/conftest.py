"""The account hub's tests: a customer of their own, signed in (a module may give its own `customer`)."""

import pytest

from tests.factories import CustomerFactory


@pytest.fixture
def customer():
    return CustomerFactory()


@pytest.fixture
def signed_in(client, customer):
    client.force_login(customer)
    return client
