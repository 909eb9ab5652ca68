"""Fixtures shared by the whole suite.

Every test starts from the demo shop, the same believable data a developer sees after
`make run`: the test database is a copy of a template migrated and loaded once (tests/testdb.py),
and put back after each transactional test (real worker, browser, races), whose rows are
committed and flushed. Tests about a customer, a product or an order of their own make them
with tests/factories.py instead of borrowing the demo's.
"""

import os
from pathlib import Path

import pytest

from tests.fakestripe.fixtures import (  # noqa: F401 -- fixtures for every test folder
    fake_stripe,
    fake_stripe_session,
    fast_stripe_retries,
    stripe_client,
    webhook_receiver,
)

# Everything a run writes goes in its var folder, pytest's own cache too (pyproject's cache_dir
# names $TEST_VAR_DIR), so `--lf` answers for this checkout and this run's folder.
os.environ.setdefault("TEST_VAR_DIR", str(Path(__file__).resolve().parents[1] / "var"))

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


@pytest.fixture(scope="session", autouse=True)
def _media_per_run(tmp_path_factory):
    """Uploaded and generated files (images, invoices) in a folder of this run only."""
    from django.test import override_settings

    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        yield


@pytest.fixture(scope="session")
def django_db_setup(request, _media_per_run, django_test_environment, django_db_blocker, django_db_modify_db_settings):
    """This session's database: a copy of the demo template, built first if the code changed.

    Replaces pytest-django's (which migrates). `--create-db` builds the templates again;
    `--reuse-db` keeps this session's copy when the run ends. A transactional test (its rows
    committed) ends with the demo copied back over the whole database where Django would
    flush every table: flushing first would be thrown away (seconds on PostgreSQL).
    """
    from django.conf import settings
    from django.test import TransactionTestCase

    from tests.testdb import TestDatabase

    with django_db_blocker.unblock():
        database = TestDatabase(settings.TEST_VAR_DIR)
        database.set_up(rebuild=request.config.getoption("create_db"))
    with pytest.MonkeyPatch.context() as patch:
        # django.test.TestCase rolls back instead and does not reach this.
        patch.setattr(TransactionTestCase, "_fixture_teardown", lambda case: database.restore())
        yield
    if not request.config.getoption("reuse_db"):
        with django_db_blocker.unblock():
            database.tear_down()


@pytest.fixture
def committed_demo_shop(transactional_db):
    """The demo shop in committed rows, visible to other threads and processes (every test starts with it)."""


@pytest.fixture
def login(client, django_user_model):
    """Sign the test client in as one of the demo logins, by email (the form is tested on its own)."""

    def sign_in(email):
        client.force_login(django_user_model.objects.get(email=email))
        return client

    return sign_in


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Login lockouts, the cached site frame, stored pages and product views counted in memory
    (portal/product_views.py) must not leak from one test into the next."""
    from django.core.cache import caches

    from portal import product_views

    for alias in ("default", "storefront"):
        caches[alias].clear()
    product_views.discard()
    yield
    for alias in ("default", "storefront"):
        caches[alias].clear()
    product_views.discard()
