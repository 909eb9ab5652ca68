"""The fake's own `/_test/...` routes: what Stripe's dashboard, hosted pages and Stripe.js do.

None of these exist on Stripe. They let a browser, a standalone run, or a server-side test
drive what on Stripe happens outside the API:

- `GET  /_test/3ds/{pi}?return_url=...` the 3D Secure challenge page ("Complete" / "Fail"
  buttons); with `&outcome=succeed|fail` it settles the challenge and redirects (303) to
  return_url with `payment_intent`, `payment_intent_client_secret` and `redirect_status`.
- `POST /_test/payment_intents/{pi}/authenticate?success=1|0` the same, for server-side tests.
- `POST /_test/js/confirm` (JSON: publishable_key, client_secret, card{number}, return_url)
  what Stripe.js's confirmPayment does: a PaymentMethod from the typed card, then confirm.
  Answers `{"payment_intent": ...}` or Stripe's `{"error": ...}` (402 on decline). CORS-enabled.
- `GET  /_test/js/payment_intent?client_secret=...&key=pk_test_...` stripe.retrievePaymentIntent.
- `GET  /_test/stripe.js` the Stripe.js stub, already pointed at this server.
- `POST /_test/webhooks` (url, secret?, enabled_events[]) register an endpoint; GET lists them.
- `POST /_test/events/{evt}/deliver?times=N[&stale_timestamp=1][&secret=...]` manual delivery.
- `POST /_test/webhooks/auto_deliver?enabled=0|1`, `POST /_test/refunds/{re}/fail`.
- `POST /_test/faults` (path_prefix, kind=error|timeout, status, seconds, times, method,
  after_commit).
- `POST /_test/reset`, `GET /_test/requests` (the `/v1` request log as JSON).
"""

from __future__ import annotations

import dataclasses
import html
import json
import re
import traceback
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from . import errors
from .errors import StripeError
from .forms import parse_form
from .responses import Answer, error_answer, json_answer

if TYPE_CHECKING:
    from .handler import Handler
    from .server import FakeStripe


def _cors(handler: Handler) -> dict[str, str]:
    return {
        "Access-Control-Allow-Origin": handler.headers.get("Origin") or "*",
        "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
        "Access-Control-Allow-Headers": "Content-Type, Authorization",
        "Access-Control-Allow-Private-Network": "true",
        "Vary": "Origin",
    }


def _flag(value: str | None) -> bool:
    return (value or "").lower() in ("1", "true", "yes", "on")


def with_query(url: str, extra: dict[str, str]) -> str:
    """`url` with `extra` added to its query string (existing parameters kept)."""
    parts = urlsplit(url)
    query = [*parse_qsl(parts.query, keep_blank_values=True), *extra.items()]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), parts.fragment))


def redirect_status(intent: dict[str, Any]) -> str:
    # What Stripe appends to return_url after a redirect-based confirmation.
    return {"succeeded": "succeeded", "requires_capture": "succeeded", "processing": "processing"}.get(
        intent["status"], "failed"
    )


def handle(fake: FakeStripe, handler: Handler, method: str, path: str, query: str, body: bytes) -> Answer:
    cors = _cors(handler)
    if method == "OPTIONS":
        return Answer(204, b"", cors)
    args = dict(parse_qsl(query, keep_blank_values=True))
    try:
        answer = _dispatch(fake, method, path, args, body)
    except StripeError as error:
        answer = error_answer(error)
    except (LookupError, ValueError) as exc:
        answer = json_answer(400, {"error": {"type": "invalid_request_error", "message": str(exc)}})
    except Exception as exc:  # noqa: BLE001 (a bug in the fake must reach the test, not kill the thread)
        traceback.print_exc()
        answer = json_answer(
            500, {"error": {"type": "api_error", "message": f"Bug in the fake Stripe server: {exc!r}"}}
        )
    answer.headers.update(cors)
    return answer


def _dispatch(fake: FakeStripe, method: str, path: str, args: dict[str, str], body: bytes) -> Answer:
    store = fake.store
    if method == "GET" and (m := re.fullmatch(r"/_test/3ds/(\w+)", path)):
        return three_d_secure(fake, m.group(1), args)
    if method == "POST" and (m := re.fullmatch(r"/_test/payment_intents/(\w+)/authenticate", path)):
        success = _flag(args.get("success", "1"))
        return json_answer(200, fake.authenticate(m.group(1), success=success))
    if method == "POST" and path == "/_test/js/confirm":
        return js_confirm(fake, json.loads(body or b"{}"))
    if method == "GET" and path == "/_test/js/payment_intent":
        _check_publishable_key(args.get("key"))
        with store.lock:
            intent = dict(store.intent_for_client_secret(args.get("client_secret", "")))
        return json_answer(200, {"payment_intent": intent})
    if method == "GET" and path == "/_test/stripe.js":
        from .browser import stub_script

        return Answer(200, stub_script(fake.api_base).encode(), {"Content-Type": "application/javascript"})
    if path == "/_test/webhooks":
        if method == "POST":
            form = parse_form(body)
            endpoint = fake.add_webhook(
                form["url"], form.get("secret") or None, events=tuple(_listed(form.get("enabled_events"))) or ("*",)
            )
            return json_answer(200, endpoint.as_json())
        return json_answer(200, {"object": "list", "data": [e.as_json() for e in fake.webhooks]})
    if method == "POST" and path == "/_test/webhooks/auto_deliver":
        fake.auto_deliver = _flag(args.get("enabled", "1"))
        return json_answer(200, {"auto_deliver": fake.auto_deliver})
    if method == "POST" and (m := re.fullmatch(r"/_test/events/(\w+)/deliver", path)):
        statuses = fake.deliver(
            m.group(1),
            times=int(args.get("times", "1")),
            secret=args.get("secret") or None,
            stale_timestamp=_flag(args.get("stale_timestamp")),
        )
        return json_answer(200, {"statuses": statuses})
    if method == "POST" and (m := re.fullmatch(r"/_test/refunds/(\w+)/fail", path)):
        return json_answer(200, fake.fail_refund(m.group(1)))
    if method == "POST" and path == "/_test/faults":
        form = parse_form(body)
        times, method_filter = int(form.get("times", "1")), form.get("method") or None
        if form.get("kind", "error") == "timeout":
            fake.timeout_next(
                form["path_prefix"],
                float(form["seconds"]),
                times,
                method=method_filter,
                after_commit=_flag(form.get("after_commit", "1")),
            )
        else:
            fake.fail_next(form["path_prefix"], int(form.get("status", "503")), times, method=method_filter)
        return json_answer(200, {"faults": [dataclasses.asdict(f) for f in fake.faults.pending()]})
    if method == "POST" and path == "/_test/reset":
        fake.reset()
        return json_answer(200, {"reset": True})
    if method == "GET" and path == "/_test/requests":
        log = [{k: v for k, v in dataclasses.asdict(r).items() if k != "headers"} for r in fake.requests]
        return json_answer(200, {"object": "list", "data": log})
    raise errors.unrecognized_url(method, path)


def _listed(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, dict):
        return [value[k] for k in sorted(value, key=int)]
    return list(value) if isinstance(value, list) else [value]


def _check_publishable_key(key: str | None) -> None:
    if not key or not key.startswith("pk_test_"):
        raise errors.authentication(f"Invalid API Key provided: {key or '(none)'}; Stripe.js needs a pk_test_ key.")


def js_confirm(fake: FakeStripe, payload: dict[str, Any]) -> Answer:
    """Stripe.js confirmPayment with the Payment Element: card number in, PaymentIntent out."""
    _check_publishable_key(payload.get("publishable_key"))
    return_url = payload.get("return_url")
    number = str((payload.get("card") or {}).get("number") or "")
    with fake.store.lock:
        intent = fake.store.intent_for_client_secret(str(payload.get("client_secret") or ""))
        try:
            fake.store.confirm_with_card_number(intent, number, return_url)
        except StripeError as error:
            return error_answer(error)
        return json_answer(200, {"payment_intent": dict(intent)})


def three_d_secure(fake: FakeStripe, intent_id: str, args: dict[str, str]) -> Answer:
    outcome = args.get("outcome")
    return_url = args.get("return_url") or fake.store.return_url_of(intent_id)
    with fake.store.lock:
        intent = fake.store.get("payment_intent", intent_id)
        if outcome in ("succeed", "fail") and intent["status"] == "requires_action":
            fake.store.authenticate(intent_id, success=outcome == "succeed")
        intent = dict(intent)
    if outcome and return_url:
        location = with_query(
            return_url,
            {
                "payment_intent": intent["id"],
                "payment_intent_client_secret": intent["client_secret"],
                "redirect_status": redirect_status(intent),
            },
        )
        return Answer(303, b"", {"Location": location})
    return Answer(
        200,
        _challenge_page(intent, return_url, settled=bool(outcome)).encode(),
        {"Content-Type": "text/html; charset=utf-8"},
    )


def _challenge_page(intent: dict[str, Any], return_url: str | None, *, settled: bool) -> str:
    amount = f"{intent['amount'] / 100:.2f} {intent['currency'].upper()}"
    if settled:
        content = f"<p role='status'>Authentication finished: the payment is {html.escape(intent['status'])}.</p>"
    else:
        hidden = (
            f"<input type='hidden' name='return_url' value='{html.escape(return_url, quote=True)}'>"
            if return_url
            else ""
        )
        content = (
            f"<p>Authenticate a payment of <strong>{html.escape(amount)}</strong> "
            f"(<code>{html.escape(intent['id'])}</code>).</p>"
            f"<form method='get' action='/_test/3ds/{html.escape(intent['id'])}'>{hidden}"
            "<button type='submit' name='outcome' value='succeed'>Complete</button> "
            "<button type='submit' name='outcome' value='fail'>Fail</button></form>"
        )
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<title>3D Secure test authentication</title></head><body><main>"
        f"<h1>3D Secure test authentication</h1>{content}</main></body></html>"
    )
