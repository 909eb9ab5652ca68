"""E-mail replies coming back into their ticket: from the raw message to one customer message.

The ticket is found only through a signed reply address (care.reply_address) among the
recipients, and the sender must be that ticket's customer. The customer's words (plain text,
or the HTML made text; quoted history and signature cut) go through `reply`, so the state
machine applies as for the web form: a waiting or resolved ticket is reopened, a closed one is
refused. Attachments pass the web form's checks; the others are named in a note on the message.
The Message-ID is kept on the message, so the same e-mail delivered again adds nothing.

Every refusal is an Outcome with the reason in words, before anything is written. Only a
closed ticket answers the sender (once per e-mail, at most once an hour per ticket), and only
when the sender is the ticket's customer: a forged or unknown address is never answered.
"""

import hashlib
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from .. import attachments as attachment_rules
from ..inbound_mail import parse
from ..reply_address import reference_in
from ..thread import Author, TicketMessage
from ..ticket import State, Ticket
from .errors import TicketRefused
from .mail import send_closed_notice
from .replies import reply

logger = logging.getLogger(__name__)

ADDED, DUPLICATE = "added", "duplicate"
MALFORMED, ADDRESS, SENDER, AUTOMATIC, CLOSED, EMPTY, TOO_LONG, REFUSED = (
    "malformed", "address", "sender", "automatic", "closed", "empty", "too_long", "refused"
)  # fmt: skip
# Longer than anyone types in a reply once the quoted history is gone; refused, not cut short.
MAX_TEXT = 20_000
NOTICE_DAYS = 7


@dataclass(frozen=True)
class Outcome:
    """What became of one e-mail: `code` for machines (ADDED, DUPLICATE or a refusal), `text` in words."""

    code: str
    text: str
    reference: str = ""
    message: TicketMessage | None = None

    @property
    def accepted(self):
        return self.code in (ADDED, DUPLICATE)


def _ticket_addressed(recipients):
    for address in recipients:
        reference = reference_in(address)
        if reference is not None:
            ticket = Ticket.objects.select_related("user").filter(reference=reference).first()
            if ticket is not None:
                return ticket
    return None


def _files(found):
    """The (upload, content type) pairs the web form would accept, and a note line for each one dropped."""
    kept, notes = [], []
    limit = settings.CARE_ATTACHMENTS_PER_MESSAGE
    for attachment in found:
        upload = ContentFile(attachment.data, name=attachment.name)
        try:
            content_type = attachment_rules.checked(upload)
        except ValidationError as error:
            notes.append(_("Not attached: %(reason)s") % {"reason": " ".join(error.messages)})
            continue
        if len(kept) >= limit:
            notes.append(
                _("Not attached: %(name)s (at most %(limit)d files a message).")
                % {"name": attachment.name, "limit": limit}
            )
            continue
        kept.append((upload, content_type))
    return kept, notes


def _answer_closed(ticket, message_id):
    """Send the closed-ticket notice unless this e-mail, or another within the hour, already had one."""
    once = "care:closed-notice:" + hashlib.sha256(message_id.encode()).hexdigest()
    hourly = f"care:closed-notice-ticket:{ticket.reference}"
    if not cache.add(once, True, timeout=NOTICE_DAYS * 86400):
        return False
    if not cache.add(hourly, True, timeout=3600):
        return False
    try:
        send_closed_notice(ticket=ticket)
    except Exception:
        # Not sent: a second delivery of this e-mail (the MTA's retry) may try again.
        cache.delete_many([once, hourly])
        raise
    return True


def _closed(ticket, message_id):
    if _answer_closed(ticket, message_id):
        text = _(
            "Ticket %(reference)s is closed; the e-mail was not added and the customer was told how to open a new one."
        )
    else:
        text = _("Ticket %(reference)s is closed; the e-mail was not added.")
    return Outcome(CLOSED, text % {"reference": ticket.reference}, reference=ticket.reference)


def receive_reply_mail(*, raw, now=None):
    """Add the e-mail `raw` (the bytes of an RFC 822 message) to its ticket; returns an Outcome.

    Idempotent per Message-ID (or, without one, per the message's bytes). Nothing is written
    unless the message is added; the only other effect is the closed-ticket notice. Database
    and mail server errors propagate, so the caller can have the e-mail delivered again.
    """
    try:
        mail = parse(raw)
    except Exception:  # the bytes are the sender's: anything unreadable is refused, not a crash
        logger.warning("Inbound care e-mail could not be parsed", exc_info=True)
        return Outcome(MALFORMED, _("The message could not be read as an e-mail."))
    if not mail.senders and not mail.recipients:
        return Outcome(MALFORMED, _("The message could not be read as an e-mail (no sender, no recipient)."))
    ticket = _ticket_addressed(mail.recipients)
    if ticket is None:
        return Outcome(ADDRESS, _("The e-mail is not addressed to a valid ticket reply address."))
    if len(mail.senders) != 1 or mail.senders[0] != ticket.customer_email.strip().lower():
        logger.warning("Inbound care e-mail for %s from %s refused: not the customer", ticket.reference, mail.senders)
        return Outcome(
            SENDER, _("The sender is not the customer of ticket %(reference)s.") % {"reference": ticket.reference}
        )
    earlier = TicketMessage.objects.filter(email_message_id=mail.message_id).select_related("ticket").first()
    if earlier is not None:
        return Outcome(
            DUPLICATE,
            _("This e-mail was already added to ticket %(reference)s.") % {"reference": earlier.ticket.reference},
            reference=earlier.ticket.reference,
            message=earlier,
        )
    if mail.automatic:
        return Outcome(AUTOMATIC, _("An automatic reply (out of office, mailing list) is not added to a ticket."))
    if ticket.state == State.CLOSED:
        return _closed(ticket, mail.message_id)
    if not mail.text:
        return Outcome(
            EMPTY,
            _("The e-mail has no text of its own once the quoted history and signature are removed."),
            reference=ticket.reference,
        )
    if len(mail.text) > MAX_TEXT:
        return Outcome(
            TOO_LONG,
            _("The e-mail is longer than %(limit)d characters; please shorten it or answer on the ticket's page.")
            % {"limit": MAX_TEXT},
            reference=ticket.reference,
        )
    files, notes = _files(mail.attachments)
    body = "\n\n".join([mail.text, *notes])
    try:
        message, created = reply(
            ticket=ticket,
            body=body,
            author_kind=Author.CUSTOMER,
            author=ticket.user,
            attachments=files,
            email_message_id=mail.message_id,
            now=now,
        )
    except TicketRefused as refusal:
        ticket.refresh_from_db(fields=["state"])
        if ticket.state == State.CLOSED:  # closed while this e-mail was on its way
            return _closed(ticket, mail.message_id)
        return Outcome(REFUSED, str(refusal), reference=ticket.reference)
    if not created:
        return Outcome(
            DUPLICATE,
            _("This e-mail was already added to ticket %(reference)s.") % {"reference": ticket.reference},
            reference=ticket.reference,
            message=message,
        )
    return Outcome(
        ADDED,
        _("Added to ticket %(reference)s; attachments kept: %(kept)d, not kept: %(dropped)d.")
        % {"reference": ticket.reference, "kept": len(files), "dropped": len(notes)},
        reference=ticket.reference,
        message=message,
    )
