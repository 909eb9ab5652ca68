"""Playwright on Debian's Chromium against the live test server; nothing leaves loopback."""

import os
import threading

import pytest
from django.core.signals import request_finished, request_started

from tests.helpers import wait_for

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# around it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


class RequestsInFlight:
    """Requests the live server is still handling (a webhook, a poll) when a test ends.

    The database is flushed after each browser test; a request still writing then (an eager
    order_paid plans production and earns points inside the webhook) deadlocks the flush.
    """

    def __init__(self):
        self.count = 0
        self.lock = threading.Lock()

    def started(self, **kwargs):
        with self.lock:
            self.count += 1

    def finished(self, **kwargs):
        with self.lock:
            self.count -= 1

    def idle(self):
        return self.count <= 0


@pytest.fixture
def shop(live_server, committed_demo_shop, context):
    """The live site's base URL; any request to another host is refused."""
    context.route(
        lambda url: not url.startswith(live_server.url) and not url.startswith("data:"),
        lambda route: route.abort(),
    )
    in_flight = RequestsInFlight()
    request_started.connect(in_flight.started, weak=False, dispatch_uid="browser-in-flight-start")
    request_finished.connect(in_flight.finished, weak=False, dispatch_uid="browser-in-flight-end")
    try:
        yield live_server.url
        context.close()  # no more polls from the page
        wait_for(in_flight.idle, timeout=60, message="the live server's last requests")
    finally:
        request_started.disconnect(dispatch_uid="browser-in-flight-start")
        request_finished.disconnect(dispatch_uid="browser-in-flight-end")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
