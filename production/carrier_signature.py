"""The carrier webhook's signature (docs/operations.md, "Carrier tracking webhook").

Header `Atelier-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>` over `<t>.<raw body>` with the
shared secret `CARRIER_WEBHOOK_SECRET`. The timestamp is signed with the body, so a captured
request cannot be sent again with a fresh time; one older (or newer) than the tolerance is
refused as a replay.
"""

import hashlib
import hmac

HEADER = "Atelier-Signature"
TOLERANCE_SECONDS = 5 * 60


class SignatureRefused(ValueError):
    """The request is not signed with the shared secret, or signed too long ago."""


def sign(*, body: bytes, secret: str, timestamp: int) -> str:
    """The header value a carrier sends (also what the tests and docs use to sign)."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify(*, body: bytes, header: str, secret: str, now: float) -> None:
    """Raise SignatureRefused unless `header` signs `body` with `secret` within the tolerance of `now`."""
    if not secret:
        raise SignatureRefused("the carrier webhook has no secret configured")
    parts = dict(part.split("=", 1) for part in (header or "").split(",") if "=" in part)
    try:
        timestamp = int(parts.get("t", ""))
    except ValueError:
        raise SignatureRefused("no timestamp in the signature") from None
    signatures = [value for key, value in ((p.split("=", 1)) for p in header.split(",") if "=" in p) if key == "v1"]
    expected = sign(body=body, secret=secret, timestamp=timestamp).split("v1=", 1)[1]
    if not any(hmac.compare_digest(expected, candidate) for candidate in signatures):
        raise SignatureRefused("the signature does not match")
    if abs(now - timestamp) > TOLERANCE_SECONDS:
        raise SignatureRefused("the signature is older than five minutes (a replay?)")
