"""The address a customer's e-mail reply goes to: care+<reference>-<signature>@CARE_REPLY_DOMAIN.

The signature is an HMAC of the ticket's reference with the site's key (its own salt), so an
address cannot be made up for a ticket, and one ticket's signature does not fit another. It is
written in lower-case base 32 (16 characters, 80 bits): mail systems may change the case of an
address, and a sender cannot try 2**80 of them. Keys in SECRET_KEY_FALLBACKS still verify, so a
key rotation does not break the addresses in e-mails already sent.
"""

import base64
import hmac
import re

from django.conf import settings
from django.utils.crypto import salted_hmac

from .references import ALPHABET, LENGTH

SALT = "care.reply-address"
PREFIX = "care"
SIGNATURE_LENGTH = 16
LOCAL_PART = re.compile(rf"^{PREFIX}\+(T-[{ALPHABET}]{{{LENGTH}}})-([a-z2-7]{{{SIGNATURE_LENGTH}}})$", re.IGNORECASE)


def _signature(reference, secret=None):
    digest = salted_hmac(SALT, reference, secret=secret, algorithm="sha256").digest()
    return base64.b32encode(digest[:10]).decode().lower()


def domain():
    return (settings.CARE_REPLY_DOMAIN or "").strip().lower()


def address_for(ticket):
    """The signed reply address of `ticket`, or "" when CARE_REPLY_DOMAIN is not set (no e-mail replies)."""
    if not domain():
        return ""
    return f"{PREFIX}+{ticket.reference}-{_signature(ticket.reference)}@{domain()}"


def reference_in(address):
    """The ticket reference `address` was signed for, or None (not ours, malformed, or a wrong signature)."""
    local, at, host = (address or "").strip().rpartition("@")
    if not at or not domain() or host.lower() != domain():
        return None
    match = LOCAL_PART.match(local)
    if match is None:
        return None
    reference, given = match[1].upper(), match[2].lower()
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    if any(hmac.compare_digest(given, _signature(reference, secret=key)) for key in keys):
        return reference
    return None
