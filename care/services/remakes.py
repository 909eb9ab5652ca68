"""A complaint sent back to the workshop: staff start a remake or repair of the affected line at
no charge; production makes it (a work order of its own, planned, promised), care keeps the link."""

from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from production.services.remakes import RemakeRefused, plan_after_commit, release_remake

from ..audit import EventKind
from ..remake import Remake, RemakeKind, remake_key
from ..thread import Author, TicketMessage
from ..ticket import State, Ticket
from .audit import record
from .errors import TicketRefused

SYSTEM_WORDS = {
    RemakeKind.REMAKE: gettext_lazy("A remake of %(line)s was started, promised for %(date)s."),
    RemakeKind.REPAIR: gettext_lazy("A repair of %(line)s was started, promised for %(date)s."),
}


def start_remake(*, ticket, line, kind, reason, actor, quantity=None, now=None):
    """Send `line` of the ticket's order back to the workshop as a remake or a repair, at no
    charge; returns (remake, created).

    Once per ticket, line and kind: the ticket row is locked, an existing remake is returned,
    and the unique constraint (with production's own key on the work order) stops a concurrent
    second. Refused (TicketRefused, in words for staff) for a ticket that is not a complaint or
    is closed, a line not in the ticket's order, and goods the workshop does not make. No
    payment is taken and nothing of a paid order is fired (no points, no invoice). The system
    message on the thread tells the customer the promised date; the plant is re-planned after
    commit.
    """
    kind = RemakeKind(kind)
    reason = reason.strip()
    if not reason:
        raise TicketRefused(_("Say why the item goes back to the workshop: the planner and the customer read it."))
    now = now or timezone.now()
    try:
        with transaction.atomic():
            locked = Ticket.objects.select_for_update(of=("self",)).select_related("topic", "order").get(pk=ticket.pk)
            earlier = Remake.objects.filter(ticket=locked, line=line, kind=kind).select_related("work_order").first()
            if earlier is not None:
                return earlier, False
            _check(locked, line)
            try:
                work_order, _created = release_remake(
                    line=line,
                    kind=kind.value,
                    key=remake_key(locked.reference, line.pk, kind.value),
                    origin=_("%(kind)s for %(reference)s") % {"kind": kind.label, "reference": locked.reference},
                    reason=reason,
                    quantity=quantity,
                    user=actor,
                )
            except RemakeRefused as refusal:
                raise TicketRefused(str(refusal)) from refusal
            promised = timezone.localtime(work_order.due_at).date()
            remake = Remake.objects.create(
                ticket=locked,
                line=line,
                kind=kind,
                reason=reason[:255],
                quantity=work_order.quantity,
                work_order=work_order,
                promised_ship_date=promised,
                created_by=actor,
            )
            record(
                locked,
                EventKind.REMAKE,
                after=f"{kind.label} {work_order.number}",
                actor=actor,
                actor_kind=Author.STAFF,
                note=reason,
                at=now,
            )
            TicketMessage.objects.create(
                ticket=locked,
                author_kind=Author.SYSTEM,
                body=SYSTEM_WORDS[kind] % {"line": line.title, "date": formats.date_format(promised, "l j F")},
                created=now,
            )
            Ticket.objects.filter(pk=locked.pk).update(last_activity_at=now)
            plan_after_commit(work_order=work_order, trigger=f"{kind.label.lower()} for {locked.reference}")
    except IntegrityError:
        earlier = Remake.objects.filter(ticket=ticket, line=line, kind=kind).select_related("work_order").first()
        if earlier is None:
            raise
        return earlier, False
    return remake, True


def _check(ticket, line):
    if not ticket.topic.is_complaint:
        raise TicketRefused(
            _("Only a complaint about quality can send an item back to the workshop; %(reference)s is about %(topic)s.")
            % {"reference": ticket.reference, "topic": ticket.topic.name}
        )
    if ticket.state == State.CLOSED:
        raise TicketRefused(
            _("Ticket %(reference)s is closed: reopen the complaint with a new ticket to start a remake.")
            % {"reference": ticket.reference}
        )
    if ticket.order_id is None or line.order_id != ticket.order_id:
        raise TicketRefused(
            _("That item is not part of the order this ticket is about.")
            if ticket.order_id
            else _("Ticket %(reference)s is not about an order: there is no item to remake.")
            % {"reference": ticket.reference}
        )
