"""Care's reads. A customer's ticket is loaded with its owner (or the guest's signed token): anyone else's is a 404."""

from django.db.models import Count, F, Prefetch, Q
from django.http import Http404
from oscar.core.loading import get_model
from wagtail.models import Page

from production.models import WorkOrder

from . import guest_links
from .references import normalised
from .thread import Author, TicketAttachment, TicketMessage
from .ticket import Ticket
from .topic import Topic

Order = get_model("order", "Order")
Line = get_model("order", "Line")

# Staff replies the customer has not seen since they last opened the thread.
UNREAD = Q(
    messages__author_kind=Author.STAFF,
    messages__internal=False,
    messages__created__gt=F("customer_seen_at"),
)


def customer_topics():
    return Topic.objects.filter(customer_may_choose=True).select_related("queue")


def tickets_for(user):
    """The customer's tickets, latest activity first, each with `unread` (staff replies not seen yet)."""
    return (
        Ticket.objects.filter(user=user)
        .select_related("topic", "order")
        .annotate(unread=Count("messages", filter=UNREAD))
        .order_by("-last_activity_at", "-pk")
    )


def unread_count(user):
    """Unread staff replies over all the customer's tickets (the hub's tab badge)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return TicketMessage.objects.filter(
        ticket__user=user, author_kind=Author.STAFF, internal=False, created__gt=F("ticket__customer_seen_at")
    ).count()


def ticket_for(*, user, reference):
    """The customer's own ticket by reference, or 404 (for another's, a made-up one, or none)."""
    if not getattr(user, "is_authenticated", False):
        raise Http404("No such ticket")
    tickets = Ticket.objects.select_related("topic", "order", "line")
    ticket = tickets.filter(user=user, reference=normalised(reference)).first()
    if ticket is None:
        raise Http404("No such ticket")
    return ticket


def guest_ticket_for(*, token):
    """A guest's ticket by the signed token of its link, or 404."""
    reference = guest_links.reference_in(token)
    ticket = Ticket.objects.select_related("topic").filter(reference=reference, user__isnull=True).first()
    if reference is None or ticket is None:
        raise Http404("No such ticket")
    return ticket


def thread(ticket):
    """What the customer sees of the ticket: every message but staff's internal notes, with attachments."""
    return (
        ticket.messages.filter(internal=False)
        .select_related("author")
        .prefetch_related(Prefetch("attachments", queryset=TicketAttachment.objects.order_by("pk")))
    )


def attachment_for(*, ticket, attachment_id):
    """An attachment of one of the ticket's messages the customer may see, or 404."""
    attachment = TicketAttachment.objects.filter(
        pk=attachment_id, message__ticket=ticket, message__internal=False
    ).first()
    if attachment is None:
        raise Http404("No such attachment")
    return attachment


def customer_order(*, user, number):
    """The customer's own order by number, or None (a guest, another's order, no such order)."""
    if not number or not getattr(user, "is_authenticated", False):
        return None
    return Order.objects.filter(user=user, number=number).first()


def order_line(*, order, line_id):
    if order is None or not str(line_id or "").isdigit():
        return None
    return order.lines.filter(pk=int(line_id)).first()


def _id(value):
    """A database id from a form or a link, or None: digits only, and small enough for any database."""
    value = str(value or "").strip()
    return int(value) if value.isdigit() and len(value) <= 18 else None


def customer_work_order(*, user, work_order_id, order=None, line=None):
    """The customer's own work order by id (of `order`, and of `line`, when given), with its order and
    line; None for a guest, another's, a mismatch or none. What a link may put back into the form."""
    pk = _id(work_order_id)
    if pk is None or not getattr(user, "is_authenticated", False):
        return None
    work_orders = WorkOrder.objects.select_related("order", "line").filter(pk=pk, order__user=user)
    if order is not None:
        work_orders = work_orders.filter(order=order)
    if line is not None:
        work_orders = work_orders.filter(line=line)
    return work_orders.first()


def named_work_order(work_order_id):
    """The work order a submitted form names, whoever's it is, with its order and line; None for none.

    Only for open_ticket, which refuses one that is not the requester's in the words it uses
    for a number that matches nothing.
    """
    pk = _id(work_order_id)
    return WorkOrder.objects.select_related("order", "line").filter(pk=pk).first() if pk is not None else None


def help_page(page_id):
    """The live Wagtail page a ticket was asked from, or None."""
    if not str(page_id or "").isdigit():
        return None
    return Page.objects.live().filter(pk=int(page_id)).first()
