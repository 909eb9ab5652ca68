"""POST /care/inbound-mail/: a mail provider's webhook posting one raw RFC 822 message (the body).

Off (404) until CARE_INBOUND_MAIL_SECRET is set; then the secret must come as a bearer token
(Authorization: Bearer <secret>) or as the password of HTTP basic auth (a webhook URL like
https://inbound:<secret>@shop/care/inbound-mail/), compared in constant time. The body is read
from the stream up to CARE_INBOUND_MAIL_MAX_BYTES (Django's DATA_UPLOAD_MAX_MEMORY_SIZE is for
forms, and an e-mail with photos is larger). The answer is one line of text: 201 added,
200 already added, 422 refused with the reason (final: a provider's retry is refused again, and
the closed-ticket notice goes once), 503 a temporary failure to be retried.
"""

import base64
import binascii
import hmac
import logging

from django.conf import settings
from django.db import DatabaseError
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.views.decorators.csrf import csrf_exempt

from configurator.throttling import client_address

from .services import inbound

logger = logging.getLogger(__name__)

CHUNK = 64 * 1024


def _given_secret(request):
    kind, _space, credentials = request.headers.get("Authorization", "").partition(" ")
    if kind.lower() == "bearer":
        return credentials.strip()
    if kind.lower() == "basic":
        try:
            return base64.b64decode(credentials.strip(), validate=True).decode().partition(":")[2]
        except (binascii.Error, UnicodeDecodeError):
            return ""
    return ""


def _text(body, status):
    return HttpResponse(body + "\n", status=status, content_type="text/plain; charset=utf-8")


def _body(request, limit):
    """The request's body, or None if it is over `limit` bytes."""
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if declared.isdigit() and int(declared) > limit:
        return None
    chunks, size = [], 0
    while chunk := request.read(CHUNK):
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


@csrf_exempt  # a mail provider has no CSRF token; the shared secret is the protection
def inbound_mail(request):
    secret = settings.CARE_INBOUND_MAIL_SECRET
    if not secret:
        raise Http404("inbound mail is not enabled")  # off: as if there were no such page, for any method
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not hmac.compare_digest(_given_secret(request).encode(), secret.encode()):
        logger.warning("Inbound care e-mail with a wrong secret from %s", client_address(request))
        return _text("forbidden: wrong or missing secret", 403)
    limit = settings.CARE_INBOUND_MAIL_MAX_BYTES
    raw = _body(request, limit)
    if raw is None:
        return _text(f"refused (too large): the message is over {limit} bytes", 413)
    try:
        outcome = inbound.receive_reply_mail(raw=raw)
    except (DatabaseError, OSError):
        logger.exception("Inbound care e-mail: temporary failure")
        return _text("temporary failure, deliver again later", 503)
    if outcome.accepted:
        return _text(f"{outcome.code}: {outcome.text}", 201 if outcome.code == inbound.ADDED else 200)
    return _text(f"refused ({outcome.code}): {outcome.text}", 422)
