"""E-mail to the customer about their ticket: the acknowledgement of a new one, and each staff reply.

Sent by a Celery task after the transaction commits, once per message: the message row's
`emailed_at` is claimed with a conditional UPDATE before anything is sent, and given back if
sending fails (so the task's retry sends it). Rendered through Oscar's communication event
types (templates oscar/communication/emails/commtype_care_*), so a signed-in customer finds
them under "Emails we sent". The HTML part escapes everything the customer or staff wrote.
"""

import logging

from django.contrib.sites.models import Site
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_class, get_model

from ..guest_links import guest_path
from ..thread import Author, TicketMessage

logger = logging.getLogger(__name__)

CommunicationEventType = get_model("communication", "CommunicationEventType")
Dispatcher = get_class("communication.utils", "Dispatcher")

OPENED = "CARE_TICKET_OPENED"
REPLIED = "CARE_TICKET_REPLY"


def mail_after_commit(message):
    from .. import tasks  # the task calls back into this module

    message_id = message.pk
    transaction.on_commit(lambda: tasks.send_message_mail.delay(message_id))


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
    }
    try:
        messages = Dispatcher(logger=logger).get_messages(code, context)
        dispatcher = Dispatcher(logger=logger)
        if ticket.user_id:
            dispatcher.dispatch_user_messages(ticket.user, messages)
        else:
            dispatcher.dispatch_direct_messages(ticket.guest_email, messages)
    except Exception:
        TicketMessage.objects.filter(pk=message_id).update(emailed_at=None)
        raise
    return True
