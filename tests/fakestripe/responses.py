"""What a route answers: status, body bytes and headers, built once and written by the handler."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from .errors import StripeError


@dataclass
class Answer:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


def json_answer(status: int, payload: Any, headers: dict[str, str] | None = None) -> Answer:
    # Stripe pretty-prints its JSON; keeping that makes logs and saved replays readable.
    body = json.dumps(payload, indent=2).encode()
    return Answer(status, body, {"Content-Type": "application/json", **(headers or {})})


def error_answer(error: StripeError) -> Answer:
    return json_answer(error.status, error.body(), error.headers)
