"""An e-mail as care reads it: who sent it, to which addresses, its Message-ID, text and files.

Parsed with the standard library (email.policy.default). Nothing here trusts the message: a
header that does not parse counts as absent, the text part is decoded with replacement for
unknown bytes, an HTML-only message is read as plain text (care.mail_text), and attachment
names are kept as text only (never used as a path). Pure Python, like care.mail_text (the
import-linter contract keeps both free of Django), so it is tested and fuzzed on bytes alone.
"""

import hashlib
import os
import re
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.utils import getaddresses

from .mail_text import html_to_text, reply_text

# The headers that may carry the address the mail was delivered to: an MTA's Delivered-To and
# X-Original-To name it even when the customer's program wrote the reply address in Bcc.
RECIPIENT_HEADERS = ("To", "Cc", "Delivered-To", "X-Original-To")
MESSAGE_ID_LENGTH = 255
MAX_SOURCE = 1_000_000
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass
class Attachment:
    name: str
    data: bytes


@dataclass
class InboundMail:
    message_id: str
    senders: list
    recipients: list
    automatic: bool
    text: str
    attachments: list = field(default_factory=list)


def _header(message, name):
    try:
        return [str(value) for value in message.get_all(name, [])]
    except Exception:  # noqa: BLE001 -- a header the parser chokes on is treated as absent
        return []


def _addresses(message, names):
    values = [value for name in names for value in _header(message, name)]
    return [address.strip().lower() for _name, address in getaddresses(values) if "@" in address]


def _message_id(message, raw):
    """The Message-ID as sent, or (none, or too long to store) a digest of the whole message."""
    given = "".join(_header(message, "Message-ID")[:1]).strip()
    if given and len(given) <= MESSAGE_ID_LENGTH:
        return given
    return "sha256:" + hashlib.sha256(given.encode() if given else raw).hexdigest()


def _is_automatic(message):
    """An out-of-office answer or a list's mail (RFC 3834's Auto-Submitted, Precedence): not the customer."""
    submitted = "".join(_header(message, "Auto-Submitted")[:1]).strip().lower()
    precedence = "".join(_header(message, "Precedence")[:1]).strip().lower()
    return (submitted not in ("", "no")) or precedence in ("bulk", "junk", "list", "auto_reply")


def _content(part):
    try:
        content = part.get_content()
    except (LookupError, ValueError, AssertionError, KeyError):  # unknown charset or broken encoding
        payload = part.get_payload(decode=True) or b""
        content = payload.decode("utf-8", errors="replace")
    return content if isinstance(content, str) else content.decode("utf-8", errors="replace")


def _text(message):
    try:
        body = message.get_body(preferencelist=("plain", "html"))
    except Exception:  # noqa: BLE001 -- a structure the parser cannot walk has no text we can read
        body = None
    if body is None:
        return None, ""
    # Control characters are no one's words, and PostgreSQL refuses NUL in text. The customer's
    # words come first (the history is below them), so a megabyte is all that is read: more than
    # any reply (care.services.inbound refuses 20,000 characters), and parsing 25 MB of HTML takes a minute.
    content = CONTROL.sub("", _content(body)[:MAX_SOURCE])
    if body.get_content_subtype() == "html":
        content = html_to_text(content)
    return body, reply_text(content)


def _file_name(part, index):
    try:
        name = part.get_filename() or ""
    except Exception:  # noqa: BLE001
        name = ""
    name = os.path.basename(name.replace("\\", "/"))
    name = re.sub(r"[\x00-\x1f\x7f]", "", name).strip()
    return name or f"attachment-{index}"


def _attachments(message, body):
    found = []
    for part in message.walk():
        if part is body or part.is_multipart():
            continue
        disposition = part.get_content_disposition()
        try:
            has_name = bool(part.get_filename())
        except Exception:  # noqa: BLE001
            has_name = False
        if disposition != "attachment" and not has_name:
            continue  # the other form of the text (HTML beside plain), not a file
        found.append(Attachment(name=_file_name(part, len(found) + 1), data=part.get_payload(decode=True) or b""))
    return found


def parse(raw):
    """The InboundMail in `raw` (bytes of an RFC 822 message)."""
    message = message_from_bytes(raw, policy=policy.default)
    body, text = _text(message)
    return InboundMail(
        message_id=_message_id(message, raw),
        senders=_addresses(message, ("From",)),
        recipients=_addresses(message, RECIPIENT_HEADERS),
        automatic=_is_automatic(message),
        text=text,
        attachments=_attachments(message, body),
    )
