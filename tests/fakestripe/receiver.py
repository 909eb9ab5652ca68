"""A tiny loopback webhook endpoint, for testing deliveries without a Django server.

It records every POST (body bytes and headers), answers with the statuses queued by
`respond_with` (then 200), and, given a secret, checks signatures with the real
`stripe.Webhook.construct_event` and answers 400 on a bad one, as an app's view should.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import stripe


@dataclass(frozen=True)
class Received:
    body: bytes
    headers: dict[str, str]
    status: int

    @property
    def event(self) -> dict[str, Any]:
        return json.loads(self.body)

    @property
    def signature(self) -> str:
        return self.headers.get("Stripe-Signature", "")


class WebhookReceiver:
    def __init__(self, secret: str | None = None, path: str = "/webhooks/stripe/"):
        self.secret = secret
        self.path = path
        self.received: list[Received] = []
        self._statuses: list[int] = []
        self._cond = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status = receiver._answer(body, self.headers.get("Stripe-Signature"))
                with receiver._cond:
                    receiver.received.append(Received(body, dict(self.headers.items()), status))
                    receiver._cond.notify_all()
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}{self.path}"

    def start(self) -> WebhookReceiver:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> WebhookReceiver:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def respond_with(self, *statuses: int) -> None:
        """Answer the next deliveries with these statuses, in order, then 200 again."""
        with self._cond:
            self._statuses.extend(statuses)

    def _answer(self, body: bytes, signature: str | None) -> int:
        if self.secret is not None:
            try:
                stripe.Webhook.construct_event(body, signature, self.secret)
            except (stripe.SignatureVerificationError, ValueError):
                return 400
        with self._cond:
            return self._statuses.pop(0) if self._statuses else 200

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Received]:
        """Block until at least `count` POSTs arrived; return them all."""
        with self._cond:
            if not self._cond.wait_for(lambda: len(self.received) >= count, timeout):
                raise TimeoutError(f"{len(self.received)} webhook(s) received, expected {count}")
            return list(self.received)

    def event_types(self) -> list[str]:
        with self._cond:
            return [r.event["type"] for r in self.received]
