"""Idempotency keys as Stripe keeps them (docs.stripe.com/idempotency).

Guarantees: the first request with a key that reached the endpoint saves its status and body,
errors included; a later request with the same (API key, Idempotency-Key) and the same method,
path and parameters gets exactly that status and body back, with `Idempotent-Replayed: true`;
the same key with other parameters or another endpoint is refused with a 400
`idempotency_error` (stripe-python raises `IdempotencyError`). Requests that failed validation
are not saved (see `StripeError.saved`), so they can be corrected and retried with the key.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from .errors import StripeError, invalid_request

MAX_KEY_LENGTH = 255


@dataclass(frozen=True)
class SavedResponse:
    method: str
    path: str
    params: dict[str, Any]
    status: int
    body: bytes


class IdempotencyStore:
    def __init__(self):
        self._lock = threading.Lock()
        self._saved: dict[tuple[str, str], SavedResponse] = {}

    def reset(self) -> None:
        with self._lock:
            self._saved.clear()

    def __len__(self) -> int:
        return len(self._saved)

    def lookup(self, api_key: str, key: str, method: str, path: str, params: dict[str, Any]) -> SavedResponse | None:
        """The saved answer to replay, None for a new key, or a 400 for a reused key."""
        if len(key) > MAX_KEY_LENGTH:
            raise invalid_request(
                f"Keys for idempotent requests can only be up to {MAX_KEY_LENGTH} characters long.",
                param="Idempotency-Key",
                saved=False,
            )
        with self._lock:
            saved = self._saved.get((api_key, key))
        if saved is None:
            return None
        if (saved.method, saved.path) != (method, path):
            raise StripeError(
                400,
                "idempotency_error",
                "Keys for idempotent requests can only be used for the same endpoint they were first used for "
                f"('{saved.method} {saved.path}' vs '{method} {path}'). Try using a key other than '{key}' if you "
                "meant to execute a different request.",
                saved=False,
            )
        if saved.params != params:
            raise StripeError(
                400,
                "idempotency_error",
                "Keys for idempotent requests can only be used with the same parameters they were first used with. "
                f"Try using a key other than '{key}' if you meant to execute a different request.",
                saved=False,
            )
        return saved

    def save(self, api_key: str, key: str, response: SavedResponse) -> None:
        with self._lock:
            self._saved.setdefault((api_key, key), response)
