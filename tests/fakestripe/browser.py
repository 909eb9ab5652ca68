"""Stripe.js in Playwright tests: serve the stub in place of https://js.stripe.com.

Production pages keep loading `https://js.stripe.com/v3/` (Stripe requires it); in tests the
browser context answers that URL with `static/stripe-stub.js`, preceded by one line telling
the stub where the fake Stripe server is. Nothing reaches the internet.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .server import FakeStripe

STUB_PATH = Path(__file__).with_name("static") / "stripe-stub.js"


def stub_script(api_base: str) -> str:
    """The stub's source, pointed at the fake server at `api_base`."""
    return f"window.__FAKE_STRIPE_BASE__ = {json.dumps(api_base)};\n{STUB_PATH.read_text()}"


def install_stripe_stub(context: Any, server: FakeStripe | str) -> None:
    """Route js.stripe.com to the stub, and let the page reach the fake server.

    `context` is a Playwright BrowserContext (or Page); `server` a FakeStripe or its base URL
    (a fake running as its own process). Playwright tries the most recently added route first,
    so call this *after* any route that aborts non-loopback traffic: the fake's own URLs are
    then let through even when another route would refuse them.
    """
    api_base = server if isinstance(server, str) else server.api_base
    script = stub_script(api_base)

    def serve_stub(route: Any) -> None:
        route.fulfill(status=200, content_type="application/javascript; charset=utf-8", body=script)

    context.route("https://js.stripe.com/**", serve_stub)
    context.route(f"{api_base}/**", lambda route: route.continue_())
