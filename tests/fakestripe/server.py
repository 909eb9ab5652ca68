"""`FakeStripe`: the server's lifecycle and the whole API tests use to drive and inspect it.

    with FakeStripe() as server:
        client = stripe.StripeClient("sk_test_x", base_addresses={"api": server.api_base})
        client.v1.payment_intents.create(params={"amount": 1000, "currency": "eur"})
        assert [r.path for r in server.requests] == ["/v1/payment_intents"]

It listens on 127.0.0.1 only, on a free port unless one is given, serves each request in its
own thread, and keeps every piece of state behind locks, so the app under test, a webhook
handler calling back into the fake, and the test thread can all use it at once.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterable
from typing import Any

from .faults import Fault, Faults
from .handler import FakeStripeHTTPServer, RecordedRequest, serve_in_thread
from .idempotency import IdempotencyStore
from .state import API_VERSION, Store
from .webhooks import Delivery, WebhookDispatcher, WebhookEndpoint

LOOPBACK = ("127.0.0.1", "localhost", "::1")


class FakeStripe:
    """A local fake of the Stripe API, good enough for the real stripe-python library."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        api_version: str = API_VERSION,
        api_keys: Iterable[str] | None = None,
        webhook_retry_delays: Iterable[float] = (0.05, 0.25, 1.0),
        verbose: bool = False,
    ):
        if host not in LOOPBACK and not host.startswith("127."):
            raise ValueError(f"the fake Stripe server binds loopback only, not {host!r}")
        self.host = host
        self.port = port
        self.api_version = api_version
        #: When given, only these secret keys are accepted; otherwise any `sk_test_...`.
        self.api_keys = frozenset(api_keys or ())
        self.verbose = verbose
        self.store = Store(api_version=api_version, base_url=lambda: self.api_base)
        self.dispatcher = WebhookDispatcher(self.store, retry_delays=webhook_retry_delays)
        self.store.subscribers = self.dispatcher.subscribers
        self.store.on_event = self.dispatcher.event_created
        self.idempotency = IdempotencyStore()
        self.faults = Faults()
        self._requests: list[RecordedRequest] = []
        self._log_lock = threading.Lock()
        self._httpd: FakeStripeHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._lifecycle = threading.Lock()
        #: Bumped by reset(): a request held back across a reset must not touch the new state.
        self.generation = 0

    # --- lifecycle -----------------------------------------------------------------------------

    def start(self) -> FakeStripe:
        """Bind and serve in a background thread; returns self. Idempotent."""
        with self._lifecycle:
            if self._httpd is None:
                self._bind()
            self.dispatcher.start()
        return self

    def _bind(self) -> None:
        self._httpd = FakeStripeHTTPServer((self.host, self.port), self)
        self.port = self._httpd.server_address[1]  # keep the port: come_back() rebinds it
        self._thread = serve_in_thread(self._httpd)

    def _unbind(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def stop(self) -> None:
        """Stop serving and delivering; requests held by timeout faults are released."""
        self.faults.clear()
        with self._lifecycle:
            self._unbind()
            self.dispatcher.stop()

    def __enter__(self) -> FakeStripe:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def api_base(self) -> str:
        """What to pass as `base_addresses={"api": ...}` (or `stripe.api_base`)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def url(self, path: str) -> str:
        return f"{self.api_base}{path}"

    def reset(self) -> None:
        """Forget everything: objects, events, idempotency keys, requests, faults, webhooks.

        The server stays up (and comes back if a test left it down); `auto_deliver` is True again.
        """
        with self._log_lock:
            self.generation += 1
        self.faults.clear()
        self.dispatcher.reset()
        with self.store.lock:
            self.store.reset()
            self.idempotency.reset()
        with self._log_lock:
            self._requests.clear()
        if self.is_down:
            self.come_back()

    # --- "Stripe is unreachable" ---------------------------------------------------------------

    @property
    def is_down(self) -> bool:
        return self._httpd is None and self.port != 0

    def go_down(self) -> None:
        """Close the listening socket: connections are refused (stripe raises APIConnectionError)."""
        with self._lifecycle:
            self._unbind()

    def come_back(self) -> None:
        """Listen again on the same port, with all state kept."""
        with self._lifecycle:
            if self._httpd is None:
                self._bind()

    # --- the request log -----------------------------------------------------------------------

    def record(self, generation: int, request: RecordedRequest) -> None:
        """Log a request, unless it began before the last reset (it belongs to an earlier test)."""
        with self._log_lock:
            if generation == self.generation:
                self._requests.append(request)

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every `/v1` request so far, oldest first (refused and faulted ones included)."""
        with self._log_lock:
            return list(self._requests)

    def requests_to(self, method: str, path: str) -> list[RecordedRequest]:
        """The recorded requests with this method and exact path."""
        return [r for r in self.requests if r.method == method.upper() and r.path == path]

    # --- objects and events --------------------------------------------------------------------

    def _all(self, kind: str) -> list[dict[str, Any]]:
        with self.store.lock:
            return self.store.of_kind(kind)

    @property
    def payment_intents(self) -> list[dict[str, Any]]:
        """Every PaymentIntent, in creation order (copies)."""
        return self._all("payment_intent")

    @property
    def charges(self) -> list[dict[str, Any]]:
        return self._all("charge")

    @property
    def refunds(self) -> list[dict[str, Any]]:
        return self._all("refund")

    @property
    def events(self) -> list[dict[str, Any]]:
        """Every event, oldest first (the API lists newest first)."""
        with self.store.lock:
            return copy.deepcopy(self.store.events)

    def event_types(self) -> list[str]:
        with self.store.lock:
            return [e["type"] for e in self.store.events]

    def events_of(self, event_type: str, object_id: str | None = None) -> list[dict[str, Any]]:
        """Events of one type, oldest first, optionally only those about one object."""
        return [
            e
            for e in self.events
            if e["type"] == event_type and (object_id is None or e["data"]["object"]["id"] == object_id)
        ]

    def get(self, object_id: str) -> dict[str, Any]:
        """Any object by id (a copy); KeyError if there is none."""
        with self.store.lock:
            return copy.deepcopy(self.store.objects[object_id])

    # --- what happens outside the API on Stripe --------------------------------------------------

    def authenticate(self, payment_intent_id: str, success: bool = True) -> dict[str, Any]:
        """Complete (or fail) the 3D Secure challenge of a PaymentIntent in requires_action."""
        with self.store.lock:
            return copy.deepcopy(self.store.authenticate(payment_intent_id, success))

    def fail_refund(self, refund_id: str, reason: str = "expired_or_canceled_card") -> dict[str, Any]:
        """Make a succeeded refund fail later, as a closed card account does (refund.updated, refund.failed)."""
        with self.store.lock:
            return copy.deepcopy(self.store.fail_refund(refund_id, reason))

    # --- webhooks ------------------------------------------------------------------------------

    def add_webhook(self, url: str, secret: str | None = None, events: Iterable[str] = ("*",)) -> WebhookEndpoint:
        """Send later events of these types ("*" = all) to `url`, signed with `secret` (made up if None)."""
        return self.dispatcher.add_endpoint(url, secret, events)

    @property
    def webhooks(self) -> list[WebhookEndpoint]:
        return self.dispatcher.endpoint_list()

    @property
    def auto_deliver(self) -> bool:
        """True: a background thread delivers each event as it happens, retrying on failure.
        False: nothing is sent until `deliver*` is called (deterministic tests)."""
        return self.dispatcher.auto_deliver

    @auto_deliver.setter
    def auto_deliver(self, value: bool) -> None:
        self.dispatcher.auto_deliver = bool(value)

    def deliver(
        self,
        event_id: str,
        times: int = 1,
        *,
        endpoint: WebhookEndpoint | str | None = None,
        secret: str | None = None,
        stale_timestamp: bool = False,
        timestamp: int | None = None,
        overrides: dict[str, Any] | None = None,
    ) -> list[int | None]:
        """POST one event `times` times to each subscribed endpoint (or one); the statuses received.

        `secret` signs with another secret (a forged delivery), `stale_timestamp` signs with a
        timestamp 10 minutes old, and `overrides` changes fields of `data.object` in the payload
        (still correctly signed), e.g. a wrong `amount_received`.
        """
        endpoint_id = endpoint.id if isinstance(endpoint, WebhookEndpoint) else endpoint
        return self.dispatcher.deliver(
            event_id,
            times=times,
            endpoint_id=endpoint_id,
            secret=secret,
            stale_timestamp=stale_timestamp,
            timestamp=timestamp,
            overrides=overrides,
        )

    def pending_deliveries(self) -> list[tuple[str, str]]:
        """(event id, endpoint id) pairs not yet answered with a 2xx, oldest event first."""
        return self.dispatcher.pending()

    def deliver_pending(self) -> list[int | None]:
        """Deliver every pending event once, oldest first; the statuses received."""
        return [
            status
            for event_id, endpoint_id in self.dispatcher.pending()
            for status in self.dispatcher.deliver(event_id, endpoint_id=endpoint_id)
        ]

    def deliver_out_of_order(self, event_ids: Iterable[str] | None = None) -> list[int | None]:
        """Deliver these events in exactly this order, or every pending event newest first."""
        if event_ids is None:
            return [
                status
                for event_id, endpoint_id in reversed(self.dispatcher.pending())
                for status in self.dispatcher.deliver(event_id, endpoint_id=endpoint_id)
            ]
        return [status for event_id in event_ids for status in self.dispatcher.deliver(event_id)]

    @property
    def deliveries(self) -> list[Delivery]:
        """Every webhook POST made so far, automatic and manual, in the order made."""
        return self.dispatcher.delivery_list()

    def wait_for_deliveries(self, timeout: float = 10.0) -> list[Delivery]:
        """Block until automatic delivery is idle (retries included); then return `deliveries`."""
        self.dispatcher.wait(timeout)
        return self.deliveries

    # --- faults --------------------------------------------------------------------------------

    def fail_next(
        self,
        path_prefix: str,
        status: int = 503,
        times: int = 1,
        *,
        method: str | None = None,
        should_retry: bool | None = None,
    ) -> Fault:
        """Answer the next `times` requests under `path_prefix` with an error, before the endpoint runs."""
        return self.faults.add(
            Fault(path_prefix, "error", times, status=status, method=method, should_retry=should_retry)
        )

    def timeout_next(
        self,
        path_prefix: str,
        seconds: float,
        times: int = 1,
        *,
        method: str | None = None,
        after_commit: bool = True,
    ) -> Fault:
        """Hold the answer to the next `times` requests back for `seconds`.

        With `after_commit` (the default) the endpoint runs and its result is saved first, so a
        client that times out and retries with the same idempotency key gets the saved result.
        """
        return self.faults.add(
            Fault(path_prefix, "timeout", times, seconds=seconds, method=method, after_commit=after_commit)
        )
