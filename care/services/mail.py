"""E-mail to the customer about their ticket: the acknowledgement of a new one, and each staff reply.

Sent by a Celery task after the transaction commits, once per message: the message row's
`emailed_at` is claimed with a conditional UPDATE before anything is sent, and given back if
sending fails (so the task's retry sends it). Rendered through Oscar's communication event
types (templates oscar/communication/emails/commtype_care_*), so a signed-in customer finds
them under "Emails we sent". The HTML part escapes everything the customer or staff wrote.
Each carries the ticket's signed Reply-To (care.reply_address): an answer by e-mail comes back
into its ticket (care.services.inbound); the From stays the shop's.
"""

import logging

from django.contrib.sites.models import Site
from django.core.mail import get_connection
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_class, get_model

from ..guest_links import guest_path
from ..reply_address import address_for
from ..thread import Author, TicketMessage

logger = logging.getLogger(__name__)

CommunicationEventType = get_model("communication", "CommunicationEventType")
Dispatcher = get_class("communication.utils", "Dispatcher")

OPENED = "CARE_TICKET_OPENED"
REPLIED = "CARE_TICKET_REPLY"
CLOSED = "CARE_TICKET_CLOSED"


def mail_after_commit(message):
    from .. import tasks  # the task calls back into this module

    message_id = message.pk
    transaction.on_commit(lambda: tasks.send_message_mail.delay(message_id))


class TicketConnection:
    """The mail connection Oscar's Dispatcher sends through, adding care's headers to what it built.

    Oscar's Dispatcher makes the EmailMessage itself and takes no Reply-To; passed as its
    mail_connection, this sets the ticket's headers on each message as it goes out.
    """

    def __init__(self, *, reply_to="", headers=None):
        self.reply_to = reply_to
        self.headers = headers or {}

    def send_messages(self, messages):
        for message in messages:
            if self.reply_to:
                message.reply_to = [self.reply_to]
            message.extra_headers.update(self.headers)
        return get_connection().send_messages(messages)


def dispatcher_for(ticket):
    """Oscar's Dispatcher, sending with `ticket`'s signed reply address as the Reply-To."""
    return Dispatcher(logger=logger, mail_connection=TicketConnection(reply_to=address_for(ticket)))


def ticket_url(ticket):
    """The absolute link to the ticket for its customer: the hub's thread, or a guest's signed link."""
    path = reverse("care:ticket", kwargs={"reference": ticket.reference}) if ticket.user_id else guest_path(ticket)
    return f"https://{Site.objects.get_current().domain}{path}"


def send_message_mail(*, message_id):
    """Tell the customer of `message` (their ticket's first message, or a staff reply); once per message."""
    claimed = TicketMessage.objects.filter(pk=message_id, emailed_at__isnull=True, internal=False).update(
        emailed_at=timezone.now()
    )
    if not claimed:
        return False
    message = TicketMessage.objects.select_related("ticket__user", "ticket__topic").get(pk=message_id)
    ticket = message.ticket
    code = REPLIED if message.author_kind == Author.STAFF else OPENED
    context = {
        "ticket": ticket,
        "message": message,
        "ticket_url": ticket_url(ticket),
        "customer_name": ticket.customer_name,
        "reply_by_email": bool(address_for(ticket)),
    }
    try:
        dispatcher = dispatcher_for(ticket)
        messages = dispatcher.get_messages(code, context)
        if ticket.user_id:
            dispatcher.dispatch_user_messages(ticket.user, messages)
        else:
            dispatcher.dispatch_direct_messages(ticket.guest_email, messages)
    except Exception:
        TicketMessage.objects.filter(pk=message_id).update(emailed_at=None)
        raise
    return True


def send_closed_notice(*, ticket):
    """Tell the customer that their e-mail reached a closed ticket and how to open a new one.

    An automatic answer (Auto-Submitted: auto-replied, RFC 3834, so well-behaved responders do
    not answer it) without the signed Reply-To: replying to it does not reach the closed ticket
    again. The caller has checked that the e-mail came from the ticket's own customer, and sends
    it to that address only. Raises the mail server's error, so a caller may try again.
    """
    dispatcher = Dispatcher(logger=logger, mail_connection=TicketConnection(headers={"Auto-Submitted": "auto-replied"}))
    context = {
        "ticket": ticket,
        "customer_name": ticket.customer_name,
        "open_url": f"https://{Site.objects.get_current().domain}{reverse('care:open-ticket')}",
    }
    messages = dispatcher.get_messages(CLOSED, context)
    if ticket.user_id:
        dispatcher.dispatch_user_messages(ticket.user, messages)
    else:
        dispatcher.dispatch_direct_messages(ticket.guest_email, messages)
