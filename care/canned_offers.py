"""The canned replies the console offers on a ticket, and a reply's text with its blanks filled from it.

Staff-only reads, used behind the console's permission (care.access). A reply is offered
when it is live and is either for the ticket's topic or for none (general); the topic's
come first, each group in the editors' order.
"""

from dataclasses import dataclass, field

from django.db.models import Case, IntegerField, Q, Value, When

from .blanks import fill_blanks
from .canned import CannedReply


def offered_replies(ticket):
    """Live replies for this ticket's topic, then the general ones; one query."""
    own_topic = Case(When(topic_id=ticket.topic_id, then=Value(0)), default=Value(1), output_field=IntegerField())
    return (
        CannedReply.objects.filter(Q(topic_id=ticket.topic_id) | Q(topic__isnull=True), live=True)
        .annotate(own_topic=own_topic)
        .order_by("own_topic", "position", "title", "pk")
    )


def blank_values(ticket, agent):
    """What the blanks stand for on this ticket, answered by `agent`: empty where the ticket has none."""
    first_name = ticket.user.first_name if ticket.user_id is not None else (ticket.guest_name.split() or [""])[0]
    return {
        "first_name": first_name.strip(),
        "reference": ticket.reference,
        "order_number": ticket.order.number if ticket.order_id else "",
        "agent_name": (agent.first_name or agent.get_full_name()).strip(),
    }


@dataclass
class CannedChoice:
    """The console's picker: the replies offered, each body filled for the ticket, and the one chosen."""

    replies: list = field(default_factory=list)
    bodies: dict = field(default_factory=dict)  # {str(reply id): filled body}, for the page's script too
    chosen: CannedReply | None = None

    @property
    def chosen_body(self):
        return self.bodies[str(self.chosen.pk)] if self.chosen else ""


def canned_choice(*, ticket, agent, chosen_id=None):
    """What the picker shows, with `chosen_id` (the page's ?canned=) chosen if it is offered here:
    a non-live, another topic's, unknown or malformed id chooses nothing (a stale or tampered
    link draws the page without it). One query."""
    replies = list(offered_replies(ticket))
    values = blank_values(ticket, agent)
    chosen = next((reply for reply in replies if str(reply.pk) == str(chosen_id or "").strip()), None)
    return CannedChoice(
        replies=replies, bodies={str(reply.pk): fill_blanks(reply.body, values) for reply in replies}, chosen=chosen
    )
