"""Signed webhook delivery: automatic with retries in a background thread, or by hand.

Signing is Stripe's v1 scheme, byte for byte what `stripe.Webhook.construct_event` checks
(`stripe/_webhook.py`): the header is `t=<unix seconds>,v1=<hex HMAC-SHA256>` where the HMAC key
is the endpoint secret as given (`whsec_` prefix included) and the message is
`f"{t}.{payload}"` over the exact body bytes sent.

Guarantees:
- Each event is sent as the same pretty-printed JSON bytes every time, so a duplicate delivery
  is byte-identical apart from the signature header, as with Stripe's retries.
- Automatic mode (`auto_deliver=True`): one background thread sends events in creation order to
  every endpoint subscribed to the type; a non-2xx answer or a connection error is retried after
  each delay in `retry_delays` (Stripe retries for days; the fake compresses that to about a
  second). `wait()` returns once nothing is queued, scheduled for retry or in flight.
- Manual mode: nothing is sent until a test calls `deliver`, `deliver_pending` or
  `deliver_out_of_order`, which send synchronously and return the HTTP statuses (None when no
  HTTP answer came back).
- An event counts as delivered to an endpoint after its first 2xx; the event's
  `pending_webhooks` then drops by one (List Events' `delivery_success` filter reads it).
- Only loopback URLs can be registered: deliveries never leave this machine.
"""

from __future__ import annotations

import copy
import fnmatch
import hashlib
import heapq
import hmac
import http.client
import itertools
import json
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from .state import Store, new_id, random_token

#: How old `stale_timestamp=True` makes a signature: past the library's 300 s tolerance.
STALE_SECONDS = 600
LOOPBACK_HOSTS = {"localhost", "::1"}


def signature_header(payload: bytes, secret: str, timestamp: int) -> str:
    """The `Stripe-Signature` header Stripe sends for this body."""
    signed = f"{timestamp}.".encode() + payload
    digest = hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    return host in LOOPBACK_HOSTS or host.startswith("127.")


@dataclass(frozen=True)
class WebhookEndpoint:
    id: str
    url: str
    secret: str
    enabled_events: tuple[str, ...]
    #: Index into the event log when the endpoint was added: Stripe sends only later events.
    first_event_index: int

    def wants(self, event_type: str) -> bool:
        return any(fnmatch.fnmatchcase(event_type, pattern) for pattern in self.enabled_events)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "object": "webhook_endpoint",
            "url": self.url,
            "secret": self.secret,
            "enabled_events": list(self.enabled_events),
            "livemode": False,
            "status": "enabled",
        }


@dataclass(frozen=True)
class Delivery:
    """One POST to one endpoint, as the endpoint answered it."""

    event_id: str
    event_type: str
    endpoint_id: str
    url: str
    status: int | None
    error: str | None
    attempt: int
    automatic: bool
    signature: str
    body: bytes

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


class WebhookDispatcher:
    def __init__(self, store: Store, *, retry_delays: Iterable[float] = (0.05, 0.25, 1.0), timeout: float = 10.0):
        self.store = store
        self.retry_delays = tuple(retry_delays)
        self.timeout = timeout
        self.auto_deliver = True
        self._cond = threading.Condition()
        self._queue: list[tuple[float, int, str, str, int, int]] = []  # (due, seq, event, endpoint, attempt, gen)
        self._seq = itertools.count()
        self._in_flight = 0
        self._generation = 0
        self._stopped = True
        self._thread: threading.Thread | None = None
        self.endpoints: dict[str, WebhookEndpoint] = {}
        self.deliveries: list[Delivery] = []
        self._delivered: set[tuple[str, str]] = set()  # (endpoint id, event id) that got a 2xx

    # --- lifecycle ---------------------------------------------------------------------------

    def start(self) -> None:
        with self._cond:
            if not self._stopped:
                return
            self._stopped = False
        self._thread = threading.Thread(target=self._run, name="fakestripe-webhooks", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        with self._cond:
            self._stopped = True
            self._cond.notify_all()
        if self._thread:
            self._thread.join(timeout=self.timeout + 1)
            self._thread = None

    def reset(self) -> None:
        with self._cond:
            self._generation += 1  # a delivery in flight now is forgotten when it returns
            self._queue.clear()
            self.endpoints.clear()
            self.deliveries.clear()
            self._delivered.clear()
            self.auto_deliver = True
            self._cond.notify_all()

    # --- endpoints ---------------------------------------------------------------------------

    def add_endpoint(self, url: str, secret: str | None = None, events: Iterable[str] = ("*",)) -> WebhookEndpoint:
        if not is_loopback(url):
            raise ValueError(f"webhook URL must be on loopback (127.0.0.1/localhost), got {url!r}")
        with self.store.lock:
            endpoint = WebhookEndpoint(
                id=new_id("we"),
                url=url,
                secret=secret or f"whsec_{random_token(32)}",
                enabled_events=tuple(events),
                first_event_index=len(self.store.events),
            )
            with self._cond:
                self.endpoints[endpoint.id] = endpoint
        return endpoint

    def endpoint_list(self) -> list[WebhookEndpoint]:
        with self._cond:
            return list(self.endpoints.values())

    def delivery_list(self) -> list[Delivery]:
        with self._cond:
            return list(self.deliveries)

    def subscribers(self, event_type: str) -> int:
        with self._cond:
            return sum(1 for e in self.endpoints.values() if e.wants(event_type))

    # --- automatic delivery ------------------------------------------------------------------

    def event_created(self, event: dict[str, Any]) -> None:
        """Called by the store, under its lock, for each new event."""
        with self._cond:
            if not self.auto_deliver:
                return
            for endpoint in self.endpoints.values():
                if endpoint.wants(event["type"]):
                    self._push(time.monotonic(), event["id"], endpoint.id, 1)

    def _push(self, due: float, event_id: str, endpoint_id: str, attempt: int) -> None:
        heapq.heappush(self._queue, (due, next(self._seq), event_id, endpoint_id, attempt, self._generation))
        self._cond.notify_all()

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._stopped:
                    if self._queue and self._queue[0][0] <= time.monotonic():
                        break
                    self._cond.wait(self._queue[0][0] - time.monotonic() if self._queue else None)
                if self._stopped:
                    return
                _, _, event_id, endpoint_id, attempt, generation = heapq.heappop(self._queue)
                endpoint = self.endpoints.get(endpoint_id)
                if endpoint is None or generation != self._generation:
                    continue
                self._in_flight += 1
            delivery = None
            try:
                delivery = self._send(event_id, endpoint, attempt=attempt, automatic=True)
            finally:
                with self._cond:
                    self._in_flight -= 1
                    if generation == self._generation:
                        failed = delivery is None or not delivery.ok
                        if failed and attempt <= len(self.retry_delays):
                            delay = self.retry_delays[attempt - 1]
                            self._push(time.monotonic() + delay, event_id, endpoint_id, attempt + 1)
                    self._cond.notify_all()

    def wait(self, timeout: float = 10.0) -> None:
        """Block until no delivery is queued, waiting to be retried, or in flight."""
        with self._cond:
            idle = self._cond.wait_for(lambda: not self._queue and self._in_flight == 0, timeout)
            if not idle:
                raise TimeoutError(
                    f"webhook deliveries still pending after {timeout} s: {len(self._queue)} queued, "
                    f"{self._in_flight} in flight"
                )

    # --- sending -----------------------------------------------------------------------------

    def _send(
        self,
        event_id: str,
        endpoint: WebhookEndpoint,
        *,
        attempt: int = 1,
        automatic: bool = False,
        secret: str | None = None,
        timestamp: int | None = None,
        overrides: dict[str, Any] | None = None,
    ) -> Delivery | None:
        with self.store.lock:
            payload = self.store.event_payloads.get(event_id)
            if payload is None:
                return None  # reset since it was queued
            event_type = self.store.objects[event_id]["type"]
        if overrides:
            event = json.loads(payload)
            event["data"]["object"].update(copy.deepcopy(overrides))
            payload = json.dumps(event, indent=2).encode()
        header = signature_header(payload, secret or endpoint.secret, timestamp or int(time.time()))
        status, error = self._post(endpoint.url, payload, header)
        delivery = Delivery(event_id, event_type, endpoint.id, endpoint.url, status, error, attempt, automatic,
                            header, payload)  # fmt: skip
        with self.store.lock, self._cond:
            self.deliveries.append(delivery)
            if delivery.ok and (endpoint.id, event_id) not in self._delivered:
                self._delivered.add((endpoint.id, event_id))
                event = self.store.objects.get(event_id)
                if event is not None and event["pending_webhooks"] > 0:
                    event["pending_webhooks"] -= 1
        return delivery

    def _post(self, url: str, payload: bytes, signature: str) -> tuple[int | None, str | None]:
        parts = urlsplit(url)
        connection_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        connection = connection_class(parts.hostname, parts.port, timeout=self.timeout)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        try:
            # Redirects are not followed: Stripe counts a 3xx as a failed delivery.
            connection.request(
                "POST",
                target,
                body=payload,
                headers={
                    "Content-Type": "application/json; charset=utf-8",
                    "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
                    "Stripe-Signature": signature,
                    "Cache-Control": "no-cache",
                },
            )
            response = connection.getresponse()
            response.read()
            return response.status, None
        except OSError as exc:
            return None, f"{type(exc).__name__}: {exc}"
        finally:
            connection.close()

    # --- manual delivery ---------------------------------------------------------------------

    def _targets(self, event_id: str, endpoint_id: str | None) -> list[WebhookEndpoint]:
        with self.store.lock:
            event = self.store.objects.get(event_id)
            if event is None or event["object"] != "event":
                raise KeyError(f"no event {event_id!r}")
            event_type = event["type"]
        with self._cond:
            if endpoint_id is not None:
                return [self.endpoints[endpoint_id]]
            targets = [e for e in self.endpoints.values() if e.wants(event_type)]
        if not targets:
            raise LookupError(f"no webhook endpoint is subscribed to {event_type} ({event_id}); add one first")
        return targets

    def deliver(
        self,
        event_id: str,
        *,
        times: int = 1,
        endpoint_id: str | None = None,
        secret: str | None = None,
        stale_timestamp: bool = False,
        timestamp: int | None = None,
        overrides: dict[str, Any] | None = None,
    ) -> list[int | None]:
        if stale_timestamp:
            timestamp = int(time.time()) - STALE_SECONDS
        statuses = []
        for endpoint in self._targets(event_id, endpoint_id):
            for attempt in range(1, times + 1):
                delivery = self._send(
                    event_id, endpoint, attempt=attempt, secret=secret, timestamp=timestamp, overrides=overrides
                )
                statuses.append(delivery.status if delivery else None)
        return statuses

    def pending(self) -> list[tuple[str, str]]:
        """(event id, endpoint id) pairs, oldest event first, not yet answered with a 2xx."""
        with self.store.lock, self._cond:
            pairs = []
            for index, event in enumerate(self.store.events):
                for endpoint in self.endpoints.values():
                    if (
                        index >= endpoint.first_event_index
                        and endpoint.wants(event["type"])
                        and (endpoint.id, event["id"]) not in self._delivered
                    ):
                        pairs.append((event["id"], endpoint.id))
            return pairs
