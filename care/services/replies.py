"""Replies on a ticket, from the customer or from staff, and the customer's reading of the thread."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..audit import EventKind
from ..thread import Author, TicketAttachment, TicketMessage
from ..ticket import State, Ticket
from .audit import record
from .clock import pause_or_resume
from .errors import TicketRefused
from .mail import mail_after_commit

# Where a reply moves the ticket: a customer's answer brings it back to staff (and reopens a
# resolved one); a staff answer waits for the customer.
AFTER_CUSTOMER = {State.WAITING: State.OPEN, State.RESOLVED: State.OPEN}
AFTER_STAFF = {State.NEW: State.WAITING, State.OPEN: State.WAITING}


def reply(
    *,
    ticket,
    body,
    author_kind,
    author=None,
    internal=False,
    attachments=(),
    submission_key=None,
    email_message_id=None,
    now=None,
):
    """Add a message to `ticket`; returns (message, created).

    Locks the ticket row, so two replies at once each see the state the other left. A closed
    ticket takes no reply (TicketRefused, with what to do instead). A customer's reply to a
    waiting or resolved ticket reopens it; a staff reply (not an internal note) is the first
    response if none was made yet and leaves the ticket waiting for the customer, who is told
    by e-mail after commit. Idempotent per `submission_key`, as open_ticket is, and per
    `email_message_id` (the Message-ID of an e-mail reply): the same e-mail twice adds one message.
    """
    if author_kind == Author.CUSTOMER and internal:
        raise ValueError("customers do not write internal notes")
    if submission_key is not None:
        earlier = TicketMessage.objects.filter(submission_key=submission_key).first()
        if earlier is not None:
            if earlier.ticket_id != ticket.pk:
                raise TicketRefused(_("This form was already used. Please reload the page and try again."))
            return earlier, False
    if email_message_id is not None:
        earlier = TicketMessage.objects.filter(email_message_id=email_message_id).first()
        if earlier is not None:
            return earlier, False
    now = now or timezone.now()
    try:
        with transaction.atomic():
            locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
            if locked.state == State.CLOSED:
                raise TicketRefused(
                    _(
                        "Ticket %(reference)s is closed and takes no more replies. "
                        "Please open a new ticket and mention %(reference)s."
                    )
                    % {"reference": locked.reference}
                )
            message = TicketMessage.objects.create(
                ticket=locked,
                author_kind=author_kind,
                author=author,
                body=body.strip(),
                internal=internal,
                created=now,
                submission_key=submission_key,
                email_message_id=email_message_id,
            )
            for upload, content_type in attachments:
                TicketAttachment.objects.create(
                    message=message, file=upload, name=upload.name[-120:], content_type=content_type, size=upload.size
                )
            changes = {"last_activity_at": now}
            if author_kind == Author.CUSTOMER:
                changes["customer_seen_at"] = now
                following = AFTER_CUSTOMER.get(locked.state)
                note = _("reopened by the customer's reply") if locked.state == State.RESOLVED else ""
            elif not internal:
                following = AFTER_STAFF.get(locked.state)
                note = _("answered")
                if locked.first_responded_at is None:
                    changes["first_responded_at"] = now
                    on_time = now <= locked.first_response_due
                    record(
                        locked,
                        EventKind.FIRST_RESPONSE,
                        after=_("on time") if on_time else _("late"),
                        actor=author,
                        actor_kind=author_kind,
                        at=now,
                    )
            else:
                following, note = None, ""
            if following is not None:
                changes["state"] = following
                if following == State.OPEN:
                    changes["resolved_at"] = None
                record(
                    locked,
                    EventKind.STATE,
                    before=State(locked.state).label,
                    after=following.label,
                    actor=author,
                    actor_kind=author_kind,
                    note=note,
                    at=now,
                )
                changes.update(pause_or_resume(locked, following, actor=author, actor_kind=author_kind, now=now))
            Ticket.objects.filter(pk=locked.pk).update(**changes)
            if author_kind == Author.STAFF and not internal:
                mail_after_commit(message)
    except IntegrityError:
        # The same form, or the same e-mail, delivered twice at the same moment: the other one's message stands.
        earlier = TicketMessage.objects.filter(submission_key=submission_key).first() if submission_key else None
        if earlier is None and email_message_id is not None:
            earlier = TicketMessage.objects.filter(email_message_id=email_message_id).first()
        if earlier is None or earlier.ticket_id != ticket.pk:
            raise
        return earlier, False
    for name, value in changes.items():
        setattr(ticket, name, value)
    return message, True


def mark_seen(*, ticket, now=None):
    """The customer has read the thread up to now: staff replies before this are no longer unread."""
    now = now or timezone.now()
    Ticket.objects.filter(pk=ticket.pk).update(customer_seen_at=now)
    ticket.customer_seen_at = now
