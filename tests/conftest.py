"""Fixtures shared by the whole suite.

The test database is built once per run with migrations and the demo shop, so tests read
the same believable data a developer sees after `make run`. Transactional tests (real
worker, browser) flush the database when they end; `committed_demo_shop` builds the demo
again (load_demo recreates even what Wagtail's migrations made, when a flush removed it).
"""

import io

import pytest
from django.core.management import call_command

from tests.fakestripe.fixtures import (  # noqa: F401 -- fixtures for every test folder
    fake_stripe,
    fake_stripe_session,
    fast_stripe_retries,
    stripe_client,
    webhook_receiver,
)

DEMO_PASSWORDS = {
    "admin@atelier.example": "atelier-admin",
    "planner@atelier.example": "atelier-planner",
    "editor@atelier.example": "atelier-editor",
    "ada@example.com": "atelier-shopper",
    "ben@example.com": "atelier-shopper",
    "chloe@example.com": "atelier-shopper",
}


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Playwright drives Debian's Chromium; without these flags it knocks on closed networks."""
    return {**browser_type_launch_args, "executable_path": "/usr/bin/chromium", "args": CHROMIUM_ARGS}


def load_demo_shop():
    call_command("load_demo", "--no-progress", stdout=io.StringIO())


@pytest.fixture(scope="session", autouse=True)
def _media_per_run(tmp_path_factory):
    """Uploaded and generated files (images, invoices) in a folder of this run only."""
    from django.test import override_settings

    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        yield


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
