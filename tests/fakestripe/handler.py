"""The HTTP layer: authentication, form parsing, idempotency, faults, and the request log.

For every `/v1` request, in this order (the order Stripe's own front end implies):
1. an injected error fault answers before anything else runs;
2. `Authorization: Bearer sk_test_...` is required (401 otherwise; live and publishable keys
   are refused);
3. the form body (POST) or query string (GET) is parsed and checked against the route's schema;
4. for POSTs, the idempotency key is looked up: a saved answer is replayed, a reused key with
   other parameters is refused;
5. the endpoint runs with the store lock held, and its answer (success or error, unless the
   error is a validation error) is saved under the idempotency key before the lock is released;
6. a timeout fault may hold the answer back.
Every `/v1` request is recorded (method, path, params, idempotency key, status), including
refused and faulted ones. `/_test/...` routes are the fake's own controls (see control.py).
"""

from __future__ import annotations

import base64
import threading
import traceback
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from . import api, control, errors
from .errors import StripeError
from .forms import parse_form
from .idempotency import SavedResponse
from .responses import Answer, error_answer, json_answer
from .state import new_id

if TYPE_CHECKING:
    from .server import FakeStripe


@dataclass(frozen=True)
class RecordedRequest:
    """One `/v1` request as the fake saw it."""

    method: str
    path: str
    params: dict[str, Any]
    idempotency_key: str | None
    api_key: str | None
    status: int
    request_id: str
    #: "error" or "timeout" when a fault rule answered, else None.
    fault: str | None = None
    #: True when the answer was an idempotent replay of a saved one.
    replayed: bool = False
    headers: dict[str, str] = field(default_factory=dict, repr=False)


class FakeStripeHTTPServer(ThreadingHTTPServer):
    daemon_threads = True  # a handler held back by a timeout fault must not block shutdown
    allow_reuse_address = True  # come_back() rebinds the same port right after go_down()

    def __init__(self, address: tuple[str, int], fake: FakeStripe):
        super().__init__(address, Handler)
        self.fake = fake


class Handler(BaseHTTPRequestHandler):
    server: FakeStripeHTTPServer
    server_version = "FakeStripe/1.0"
    # HTTP/1.0 closes every connection after its answer, so go_down() leaves no kept-alive
    # connection through which a "down" server could still answer.
    protocol_version = "HTTP/1.0"

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.fake.verbose:
            super().log_message(format, *args)

    def do_GET(self):
        self._handle("GET")

    def do_POST(self):
        self._handle("POST")

    def do_DELETE(self):
        self._handle("DELETE")

    def do_OPTIONS(self):
        self._handle("OPTIONS")

    def _handle(self, method: str) -> None:
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if url.path.startswith("/_test/"):
            answer = control.handle(self.server.fake, self, method, url.path, url.query, body)
            self._write(answer)
            return
        answer, hold = self._api(method, url.path, url.query, body)
        if hold:
            self.server.fake.faults.pause(hold)
        self._write(answer)

    def _write(self, answer: Answer) -> None:
        try:
            self.send_response(answer.status)
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            self.wfile.write(answer.body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test), as real clients do

    # --- /v1 -------------------------------------------------------------------------------------

    def _api_key(self) -> str:
        header = self.headers.get("Authorization", "")
        scheme, _, credential = header.partition(" ")
        if scheme.lower() == "basic":
            credential = base64.b64decode(credential + "==").decode("utf-8", "replace").partition(":")[0]
        elif scheme.lower() != "bearer":
            credential = ""
        credential = credential.strip()
        if not credential:
            raise errors.authentication(
                "You did not provide an API key. You need to provide your API key in the Authorization header, "
                "using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY')."
            )
        if credential.startswith("pk_"):
            raise errors.authentication(
                "This API call cannot be made with a publishable API key. Please use a secret API key."
            )
        allowed = self.server.fake.api_keys
        valid = credential in allowed if allowed else credential.startswith(("sk_test_", "rk_test_"))
        if not valid or len(credential) <= len("sk_test_"):
            raise errors.authentication(f"Invalid API Key provided: {credential[:8]}{'*' * 8}{credential[-4:]}")
        return credential

    def _api(self, method: str, path: str, query: str, body: bytes) -> tuple[Answer, float]:
        fake = self.server.fake
        request_id = new_id("req", 14)
        key = self.headers.get("Idempotency-Key") if method == "POST" else None
        version = self.headers.get("Stripe-Version") or fake.api_version
        common = {"Request-Id": request_id, "Stripe-Version": version, "Access-Control-Allow-Origin": "*"}
        if key:
            common["Idempotency-Key"] = key
        api_key: str | None = None
        params: dict[str, Any] = {}
        generation = fake.generation
        fault = fake.faults.take(method, path)
        replayed = False
        hold = 0.0
        try:
            if fault and fault.kind == "error":
                headers = {} if fault.should_retry is None else {"Stripe-Should-Retry": str(fault.should_retry).lower()}
                raise errors.api_error(fault.status, headers=headers)
            if fault and not fault.after_commit:
                fake.faults.pause(fault.seconds)
                if fake.generation != generation:
                    # Woken by reset(): running now would create objects in the next test's state.
                    raise errors.api_error(503, "The fake Stripe server was reset while this request was held back.")
            api_key = self._api_key()
            params = parse_form(body if method == "POST" else query)
            route, match = api.find_route(method, path)
            valid = api.check_params(route, params)
            with fake.store.lock:
                saved = fake.idempotency.lookup(api_key, key, method, path, params) if key else None
                if saved is not None:
                    replayed = True
                    answer = Answer(saved.status, saved.body, {"Content-Type": "application/json"})
                    answer.headers["Idempotent-Replayed"] = "true"
                else:
                    fake.store.request.request_id, fake.store.request.idempotency_key = request_id, key
                    try:
                        answer = json_answer(200, api.execute(fake.store, route, match, valid))
                    except StripeError as error:
                        if not error.saved:
                            raise
                        answer = error_answer(error)
                    finally:
                        fake.store.request.request_id = fake.store.request.idempotency_key = None
                    if key:
                        fake.idempotency.save(
                            api_key, key, SavedResponse(method, path, params, answer.status, answer.body)
                        )
        except StripeError as error:
            answer = error_answer(error)
        except Exception as exc:  # noqa: BLE001 (a bug in the fake must reach the test, not kill the thread)
            traceback.print_exc()
            answer = error_answer(
                errors.api_error(500, f"Bug in the fake Stripe server: {exc!r}", {"Stripe-Should-Retry": "false"})
            )
        if fault and fault.kind == "timeout" and fault.after_commit:
            hold = fault.seconds
        answer.headers.update(common)
        fake.record(
            generation,
            RecordedRequest(
                method=method,
                path=path,
                params=params,
                idempotency_key=key,
                api_key=api_key,
                status=answer.status,
                request_id=request_id,
                fault=fault.kind if fault else None,
                replayed=replayed,
                headers=dict(self.headers.items()),
            ),
        )
        return answer, hold


def serve_in_thread(httpd: FakeStripeHTTPServer) -> threading.Thread:
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.name = f"fakestripe-http-{httpd.server_address[1]}"
    thread.start()
    return thread
