"""The promise clock stops while a ticket waits for the customer and starts again when it leaves WAITING.

Entering WAITING notes when (Ticket.waiting_since, a PAUSED event). Leaving it, by the customer's
reply or a staff move, moves the promises still to keep on by the working hours it waited
(care.hours, on the shop's calendar) and records RESUMED with how long. The sweep neither warns
nor escalates a waiting ticket; the console shows it as paused.
"""

from django.utils.translation import gettext as _

from ..audit import EventKind
from ..hours import resumed_due
from ..ticket import State
from .audit import record


def pause_or_resume(ticket, to_state, *, actor, actor_kind, now):
    """The clock's field changes as `ticket` (as locked, in its current state) moves to `to_state`.

    Called inside the transaction that changes the state, with the row as it is now, so each
    wait is counted once: a second move out of WAITING finds the ticket no longer waiting.
    Records the PAUSED or RESUMED event; returns the fields to update with the state.
    """
    was_waiting, will_wait = ticket.state == State.WAITING, State(to_state) == State.WAITING
    if will_wait and not was_waiting:
        record(ticket, EventKind.PAUSED, actor=actor, actor_kind=actor_kind, at=now)
        return {"waiting_since": now}
    if not was_waiting or will_wait:
        return {}
    changes = {"waiting_since": None}
    if ticket.waiting_since is None:  # waiting since before the clock could stop: nothing to count
        return changes
    changes["resolution_due"], hours = resumed_due(ticket.resolution_due, ticket.waiting_since, now)
    if ticket.first_responded_at is None:
        changes["first_response_due"], _hours = resumed_due(ticket.first_response_due, ticket.waiting_since, now)
    record(
        ticket,
        EventKind.RESUMED,
        after=_("waited %(hours)s working h") % {"hours": f"{hours:.1f}"},
        actor=actor,
        actor_kind=actor_kind,
        at=now,
    )
    return changes
