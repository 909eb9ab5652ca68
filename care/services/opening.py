"""Opening a ticket: routed by its topic, prioritised, promised, and acknowledged by e-mail after commit."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from loyalty.selectors.accounts import production_weight

from .. import priority as priorities
from ..audit import EventKind
from ..hours import due_after
from ..references import new_reference
from ..thread import Author, TicketAttachment, TicketMessage
from ..ticket import Channel, Severity, State, Ticket
from .audit import record
from .errors import TicketRefused
from .mail import mail_after_commit


def not_in_account():
    """The refusal for an order or work order that is not the customer's, and for one that does not
    exist: the same words either way, so nothing is learnt by trying numbers."""
    return TicketRefused(_("We could not find that order in your account."))


def _check_links(*, user, order, line, work_order):
    """The order, line and work order belong together and to this customer; the order, from the line."""
    if work_order is not None and (user is None or work_order.order.user_id != user.pk):
        # Before the checks below, whose words would tell another's work order from a made-up one.
        raise not_in_account()
    if line is not None:
        if order is not None and line.order_id != order.pk:
            raise TicketRefused(_("That item is not part of that order."))
        order = line.order
    if work_order is not None:
        if line is not None and work_order.line_id != line.pk:
            raise TicketRefused(_("That work order is not for that item."))
        if order is not None and work_order.order_id != order.pk:
            raise TicketRefused(_("That work order is not for that order."))
        order = order or work_order.order
        line = line or work_order.line
    if order is not None and (user is None or order.user_id != user.pk):
        raise not_in_account()
    if line is not None and work_order is None:
        # The line's own work order, not a remake of it started from an earlier complaint.
        work_order = line.work_orders.filter(kind="order").first()
    return order, line, work_order


def _same_requester(ticket, *, user, guest_email):
    if user is not None:
        return ticket.user_id == user.pk
    return ticket.user_id is None and ticket.guest_email.lower() == guest_email.lower()


def _unique_reference():
    for _attempt in range(10):
        reference = new_reference()
        if not Ticket.objects.filter(reference=reference).exists():
            return reference
    raise RuntimeError("no free ticket reference after 10 draws")  # 387 million of them: a broken generator


def open_ticket(
    *,
    topic,
    subject,
    body,
    user=None,
    guest_email="",
    guest_name="",
    channel=Channel.WEB,
    severity=Severity.NONE,
    order=None,
    line=None,
    work_order=None,
    help_page_id=None,
    attachments=(),
    submission_key=None,
    opened_by=None,
    acknowledge=True,
    now=None,
):
    """Open a ticket for `user` (or a guest by address) with its first message; returns (ticket, created).

    Idempotent per `submission_key` (the form's one-time token): a second submission returns
    the first ticket, created False; a key used by someone else is refused. The linked order,
    line and work order must be the customer's own. The due times come from the topic's
    working-hour promise; the priority from the topic, the complaint's severity and the
    customer's tier. `attachments` are (upload, content type) pairs already checked
    (care.attachments). The acknowledgement e-mail goes after commit, unless `acknowledge` is
    False: the caller tells the customer itself (a claim's e-mail names the ticket).
    """
    if user is None and not guest_email:
        raise TicketRefused(_("Please give an e-mail address we can answer you at."))
    if submission_key is not None:
        earlier = Ticket.objects.filter(submission_key=submission_key).first()
        if earlier is not None:
            if not _same_requester(earlier, user=user, guest_email=guest_email):
                raise TicketRefused(_("This form was already used. Please reload the page and try again."))
            return earlier, False
    order, line, work_order = _check_links(user=user, order=order, line=line, work_order=work_order)
    now = now or timezone.now()
    tier_weight = production_weight(user_id=user.pk) if user is not None else 1
    if not topic.is_complaint:
        severity = Severity.NONE
    ticket = Ticket(
        reference=_unique_reference(),
        user=user,
        guest_email="" if user is not None else guest_email.strip(),
        guest_name="" if user is not None else guest_name.strip(),
        topic=topic,
        subject=subject.strip(),
        state=State.NEW,
        priority=priorities.ticket_priority(
            topic_priority=topic.default_priority,
            is_complaint=topic.is_complaint,
            severity=severity,
            tier_weight=tier_weight,
        ),
        severity=severity,
        channel=channel,
        order=order,
        line=line,
        work_order=work_order,
        help_page_id=help_page_id,
        queue_id=topic.queue_id,
        opened_at=now,
        first_response_due=due_after(now, topic.first_response_hours),
        resolution_due=due_after(now, topic.resolution_hours),
        last_activity_at=now,
        customer_seen_at=now,
        submission_key=submission_key,
    )
    try:
        with transaction.atomic():
            ticket.save()
            message = TicketMessage.objects.create(
                ticket=ticket,
                author_kind=Author.CUSTOMER,
                author=opened_by or user,
                body=body.strip(),
                created=now,
            )
            for upload, content_type in attachments:
                TicketAttachment.objects.create(
                    message=message, file=upload, name=upload.name[-120:], content_type=content_type, size=upload.size
                )
            actor = opened_by or user
            record(
                ticket,
                EventKind.OPENED,
                after=State.NEW.label,
                actor=actor,
                actor_kind=Author.STAFF if opened_by is not None else Author.CUSTOMER,
                note=_("by %(channel)s, queue %(queue)s, priority %(priority)s")
                % {
                    "channel": ticket.get_channel_display(),
                    "queue": topic.queue.name,
                    "priority": ticket.priority_label,
                },
                at=now,
            )
            if acknowledge:
                mail_after_commit(message)
    except IntegrityError:
        # Two submissions of one form at the same moment: the other one's ticket stands.
        earlier = Ticket.objects.filter(submission_key=submission_key).first() if submission_key else None
        if earlier is None or not _same_requester(earlier, user=user, guest_email=guest_email):
            raise
        return earlier, False
    return ticket, True
