"""Reads for the care reports (/dashboard/care/reports/): how fast we answer, what people complain
about, whether a 4 is a warning, and which help searches did not help.

Counts are aggregated in the database. Medians and 90th percentiles are taken in Python from one
column of durations (SQLite has no percentile function), and option values are counted in Python
because they live in each line's configuration text: only complaint tickets of the period are read.
"""

import math
import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Case, Count, Exists, F, OuterRef, Q, Value, When
from django.db.models.functions import Lower, TruncWeek
from django.utils import timezone
from oscar.core.loading import get_model

from atelier.orders import PURCHASED, UnreadableConfiguration, read_line_configuration
from configurator.models import Option

from .help.models import SearchRecord
from .surveys.models import Survey
from .ticket import Ticket

Order = get_model("order", "Order")

PERIODS = (30, 90, 365)
DEFAULT_PERIOD = 30
TOP = 10
SCORE_GROUPS = ("5", "4", "≤3")


def since(days, *, now=None):
    return (now or timezone.now()) - timedelta(days=days)


def tickets_opened(start):
    return Ticket.objects.filter(opened_at__gte=start)


def percentile(values, share):
    """Nearest rank: the smallest value with at least `share` of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(math.ceil(share * len(ordered)), 1) - 1]


@dataclass(frozen=True)
class Week:
    start: object  # the Monday (a datetime on the shop's clock)
    opened: int
    response_median: float | None  # hours
    response_p90: float | None
    resolution_median: float | None
    resolution_p90: float | None
    promise_due: int  # first responses made, or owed and already late
    promise_kept: int

    @property
    def hit_rate(self):
        return None if not self.promise_due else round(100 * self.promise_kept / self.promise_due, 1)


def _hours(durations):
    return [duration.total_seconds() / 3600 for duration in durations]


def _spread(hours):
    if not hours:
        return None, None
    return round(statistics.median(hours), 1), round(percentile(hours, 0.9), 1)


def weekly(start, *, now=None):
    """One Week per week with tickets opened in it (by the week they opened), oldest first."""
    now = now or timezone.now()
    tickets = tickets_opened(start).annotate(week=TruncWeek("opened_at"))
    counts = tickets.values("week").annotate(
        opened=Count("pk"),
        promise_kept=Count("pk", filter=Q(first_responded_at__lte=F("first_response_due"))),
        promise_due=Count(
            "pk",
            filter=Q(first_responded_at__isnull=False) | Q(first_responded_at__isnull=True, first_response_due__lt=now),
        ),
    )
    responses, resolutions = {}, {}
    for week, taken in tickets.filter(first_responded_at__isnull=False).values_list(
        "week", F("first_responded_at") - F("opened_at")
    ):
        responses.setdefault(week, []).append(taken)
    for week, taken in tickets.filter(resolved_at__isnull=False).values_list("week", F("resolved_at") - F("opened_at")):
        resolutions.setdefault(week, []).append(taken)
    weeks = []
    for row in counts.order_by("week"):
        response = _spread(_hours(responses.get(row["week"], [])))
        resolution = _spread(_hours(resolutions.get(row["week"], [])))
        weeks.append(Week(row["week"], row["opened"], *response, *resolution, row["promise_due"], row["promise_kept"]))
    return weeks


def by_topic(start):
    """[(topic name, tickets)], the most first."""
    rows = tickets_opened(start).values("topic__name").annotate(n=Count("pk")).order_by("-n", "topic__name")
    return [(row["topic__name"], row["n"]) for row in rows]


def by_family(start):
    """[(product family, tickets)] for tickets about an item of a configured product, the most first."""
    rows = (
        tickets_opened(start)
        .filter(line__product__family__isnull=False)
        .values("line__product__family__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "line__product__family__name")
    )
    return [(row["line__product__family__name"], row["n"]) for row in rows]


def complaint_options(start, *, top=TOP):
    """[("option = value", complaints)]: the configured choices of the items complained about, the most first."""
    complaints = (
        tickets_opened(start)
        .filter(topic__is_complaint=True, line__isnull=False)
        .select_related("line")
        .prefetch_related("line__attributes__option")
    )
    configurations = []
    for ticket in complaints:
        try:
            configuration = read_line_configuration(ticket.line)
        except UnreadableConfiguration:
            continue  # text the configurator did not write says nothing about its choices
        if configuration is not None:
            configurations.append(configuration)
    # Free text (a print's words) is the customer's own, not a choice we offer: left out.
    free_text = set(
        Option.objects.filter(
            kind=Option.Kind.TEXT, family__slug__in={configuration.family_slug for configuration in configurations}
        ).values_list("family__slug", "code")
    )
    counts = Counter()
    for configuration in configurations:
        for option, value in configuration.values.items():
            if (configuration.family_slug, option) in free_text:
                continue
            for one in value if isinstance(value, list) else [value]:
                counts[f"{option} = {one}"] += 1
    return sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))[:top]


@dataclass(frozen=True)
class ScoreGroup:
    score: str
    customers: int
    bought_again: int

    @property
    def rate(self):
        return None if not self.customers else round(100 * self.bought_again / self.customers, 1)


def repurchase_by_score(start):
    """Of the customers who answered a survey in the period, by score (5, 4, 3 or less): how many
    bought again (an order placed after the survey that got past payment). Every group is listed."""
    later = Order.objects.filter(user=OuterRef("user"), status__in=PURCHASED, date_placed__gt=OuterRef("answered_at"))
    rows = (
        Survey.objects.filter(answered_at__gte=start)
        .annotate(
            group=Case(When(score=5, then=Value("5")), When(score=4, then=Value("4")), default=Value("≤3")),
            again=Exists(later),
        )
        .values("group")
        .annotate(customers=Count("user", distinct=True), bought=Count("user", distinct=True, filter=Q(again=True)))
    )
    found = {row["group"]: row for row in rows}
    return [
        ScoreGroup(group, found.get(group, {}).get("customers", 0), found.get(group, {}).get("bought", 0))
        for group in SCORE_GROUPS
    ]


@dataclass(frozen=True)
class Searches:
    total: int
    ended_in_ticket: int
    top_queries: list  # [(query, searches that ended in a ticket)]

    @property
    def share(self):
        return None if not self.total else round(100 * self.ended_in_ticket / self.total, 1)


def searches_ending_in_tickets(start, *, top=TOP):
    """Help searches of the period, those after which the visitor opened a ticket, and their words."""
    records = SearchRecord.objects.filter(created_at__gte=start)
    counts = records.aggregate(total=Count("pk"), ended=Count("pk", filter=Q(ended_in_ticket_at__isnull=False)))
    queries = (
        records.filter(ended_in_ticket_at__isnull=False)
        .values(words=Lower("query"))
        .annotate(n=Count("pk"))
        .order_by("-n", "words")[:top]
    )
    return Searches(counts["total"], counts["ended"], [(row["words"], row["n"]) for row in queries])
