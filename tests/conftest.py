"""Fixtures shared by the whole suite.

The test database is built once per run with migrations and the demo shop, so tests read
the same believable data a developer sees after `make run`. Transactional tests (real
worker, browser) flush the database when they end; `committed_demo_shop` builds the demo
again (load_demo recreates even what Wagtail's migrations made, when a flush removed it).
"""

import io

import pytest
from django.core.management import call_command

DEMO_PASSWORDS = {
    "admin@atelier.example": "atelier-admin",
    "planner@atelier.example": "atelier-planner",
    "editor@atelier.example": "atelier-editor",
    "ada@example.com": "atelier-shopper",
    "ben@example.com": "atelier-shopper",
    "chloe@example.com": "atelier-shopper",
}


def load_demo_shop():
    call_command("load_demo", "--no-progress", stdout=io.StringIO())


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_demo_shop()


@pytest.fixture
def committed_demo_shop(transactional_db):
    """The demo shop in committed rows, visible to other threads and processes."""
    load_demo_shop()


@pytest.fixture
def login(client, django_user_model):
    """Sign the test client in as one of the demo logins, by email (the form is tested on its own)."""

    def sign_in(email):
        client.force_login(django_user_model.objects.get(email=email))
        return client

    return sign_in


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Login lockouts and the cached site frame must not leak from one test into the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
