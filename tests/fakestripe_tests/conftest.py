"""Fixtures for the fake Stripe server's own tests; nothing here touches the database."""

import pytest

from tests.fakestripe.fixtures import (  # noqa: F401 (pytest finds fixtures by name)
    fake_stripe,
    fake_stripe_session,
    fast_stripe_retries,
    stripe_client,
    webhook_receiver,
)

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
    return {**browser_type_launch_args, "executable_path": "/usr/bin/chromium", "args": CHROMIUM_ARGS}
