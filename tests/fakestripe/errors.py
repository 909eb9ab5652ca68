"""Stripe's error shape, and the HTTP statuses that make stripe-python raise the right exception.

stripe-python picks its exception class from the HTTP status, then the `type` field
(`_api_requestor.specific_v1_api_error`): 400/404 -> InvalidRequestError (IdempotencyError when
`type` is `idempotency_error`), 401 -> AuthenticationError, 402 -> CardError, 429 -> RateLimitError,
anything else -> APIError. So each error here carries the status Stripe uses, not only a type.
"""

from __future__ import annotations

from typing import Any


class StripeError(Exception):
    """An error the fake answers with `{"error": {...}}`.

    `saved` says whether an idempotent request stores this answer for replay. Stripe saves a
    result only once the endpoint started executing: parameter validation failures, unknown
    objects and auth failures are not saved, so a corrected retry with the same key works.
    """

    def __init__(
        self,
        status: int,
        type_: str,
        message: str,
        *,
        code: str | None = None,
        param: str | None = None,
        decline_code: str | None = None,
        saved: bool = True,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ):
        super().__init__(message)
        self.status = status
        self.type = type_
        self.message = message
        self.code = code
        self.param = param
        self.decline_code = decline_code
        self.saved = saved
        self.headers = headers or {}
        self.extra = extra

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"type": self.type, "message": self.message}
        for key in ("code", "param", "decline_code"):
            value = getattr(self, key)
            if value is not None:
                error[key] = value
        if self.code:
            error["doc_url"] = f"https://docs.stripe.com/error-codes/{self.code.replace('_', '-')}"
        error.update(self.extra)
        return {"error": error}


def invalid_request(message: str, *, param: str | None = None, code: str | None = None, saved: bool = True):
    return StripeError(400, "invalid_request_error", message, param=param, code=code, saved=saved)


def parameter_unknown(param: str) -> StripeError:
    return StripeError(
        400,
        "invalid_request_error",
        f"Received unknown parameter: {param}",
        code="parameter_unknown",
        param=param,
        saved=False,
    )


def parameter_missing(param: str) -> StripeError:
    return StripeError(
        400,
        "invalid_request_error",
        f"Missing required param: {param}.",
        code="parameter_missing",
        param=param,
        saved=False,
    )


def parameter_invalid(param: str, message: str, code: str = "parameter_invalid") -> StripeError:
    return StripeError(400, "invalid_request_error", message, code=code, param=param, saved=False)


def resource_missing(kind: str, object_id: str, param: str = "id", status: int = 404) -> StripeError:
    # 404 when the object is the URL's subject; 400 when it is named in a parameter.
    return StripeError(
        status,
        "invalid_request_error",
        f"No such {kind}: '{object_id}'",
        code="resource_missing",
        param=param,
        saved=False,
    )


def unexpected_state(message: str, **extra: Any) -> StripeError:
    return StripeError(400, "invalid_request_error", message, code="payment_intent_unexpected_state", **extra)


def unrecognized_url(method: str, path: str) -> StripeError:
    return StripeError(
        404,
        "invalid_request_error",
        f"Unrecognized request URL ({method}: {path}). Please see https://stripe.com/docs or we can help at "
        "https://support.stripe.com/.",
        saved=False,
    )


def authentication(message: str) -> StripeError:
    # Stripe answers bad keys with type invalid_request_error and status 401; the status is
    # what makes stripe-python raise AuthenticationError.
    return StripeError(401, "invalid_request_error", message, saved=False)


def api_error(status: int, message: str | None = None, headers: dict[str, str] | None = None) -> StripeError:
    """A fault injected in front of the endpoint (never saved: the endpoint did not run)."""
    if status == 429:
        return StripeError(
            429,
            "invalid_request_error",
            message or "Too many requests hit the API too quickly.",
            code="rate_limit",
            saved=False,
            headers=headers,
        )
    if status == 409:
        return StripeError(
            409,
            "invalid_request_error",
            message or "This object cannot be accessed right now because another API request is modifying it.",
            code="lock_timeout",
            saved=False,
            headers=headers,
        )
    return StripeError(
        status,
        "api_error",
        message or "An unknown error occurred while processing this request (fake Stripe fault injection).",
        saved=False,
        headers=headers,
    )
