"""The queue page's rows in words: each ticket's promise (paused, overdue by how long, or working
hours left), its due time, state and link, worked out once per page in Python.

The page renders 50 of these. Done by template filters per row (timesince, date, floatformat, a
{% url %}, a {% trans %} and a state label each), every row cost a dozen translation lookups, and
each lookup walks the whole chain of message catalogues: that was most of the page's time
(benchmarks/care.py). Here the words are looked up once per page and the rows are string
formatting.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS_3, WEEKDAYS_ABBR
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .hours import shop_hours
from .promise import working_hours_between
from .ticket import State, Ticket

PLACEHOLDER = "T-PLACEHOLDER"


@dataclass(frozen=True)
class QueueRow:
    ticket: Ticket
    url: str
    due_iso: str  # for <time datetime>
    due_at: str  # "Mon 7 Dec, 14:00" on the shop's clock, as the date filter "D j M, H:i" writes it
    promise: str  # "paused: waiting for the customer since …", "overdue by 2 days, 3 hours", "3.5 working h left"
    which: str  # "first response" or "resolution"
    state: str
    overdue: bool = False
    paused: bool = False


class Words:
    """The page's words, translated once: day and month names, the promise phrases, the state labels."""

    def __init__(self):
        self.days = [str(WEEKDAYS_ABBR[day]) for day in range(7)]
        self.months = {month: str(MONTHS_3[month]).title() for month in range(1, 13)}
        self.states = {value: str(label) for value, label in State.choices}
        self.first_response, self.resolution = _("first response"), _("resolution")
        self.paused_since = _("paused: waiting for the customer since %(since)s")
        self.paused = _("paused: waiting for the customer")
        self.overdue = _("overdue by %(since)s")
        self.left = _("%(hours)s working h left")
        self.units = {}

    def when(self, moment):
        local = timezone.localtime(moment)
        return f"{self.days[local.weekday()]} {local.day} {self.months[local.month]}, {local:%H:%M}"

    def unit(self, singular, plural, n):
        key = (singular, n)  # by the number itself: languages choose among plural forms differently
        if key not in self.units:
            self.units[key] = ngettext(singular, plural, n)
        return self.units[key] % n

    def lateness(self, late):
        """`late` (a timedelta) in two units at most: "2 days, 3 hours", "5 hours, 10 minutes", "4 minutes"."""
        minutes = max(0, int(late.total_seconds() // 60))
        days, minutes = divmod(minutes, 24 * 60)
        hours, minutes = divmod(minutes, 60)
        parts = []
        if days:
            parts.append(self.unit("%d day", "%d days", days))
        if hours:
            parts.append(self.unit("%d hour", "%d hours", hours))
        if minutes and not days:
            parts.append(self.unit("%d minute", "%d minutes", minutes))
        return ", ".join(parts) or self.unit("%d minute", "%d minutes", 0)


def queue_rows(tickets, *, now=None):
    """The rows of a page of console.queue (each ticket annotated with `next_due`)."""
    now = now or timezone.now()
    words, calendar = Words(), shop_hours()
    link = reverse("care-dashboard:ticket", args=[PLACEHOLDER])
    rows = []
    for ticket in tickets:
        overdue = paused = False
        if ticket.state == State.WAITING:  # the promise clock is stopped (services.clock)
            paused = True
            since = ticket.waiting_since
            promise = words.paused_since % {"since": words.when(since)} if since else words.paused
        elif ticket.next_due < now:
            overdue = True
            promise = words.overdue % {"since": words.lateness(now - ticket.next_due)}
        else:
            promise = words.left % {"hours": f"{working_hours_between(now, ticket.next_due, calendar):.1f}"}
        rows.append(
            QueueRow(
                ticket=ticket,
                url=link.replace(PLACEHOLDER, ticket.reference),
                due_iso=ticket.next_due.isoformat(),
                due_at=words.when(ticket.next_due),
                promise=promise,
                which=words.first_response if ticket.first_responded_at is None else words.resolution,
                state=words.states.get(ticket.state, ticket.state),
                overdue=overdue,
                paused=paused,
            )
        )
    return rows
