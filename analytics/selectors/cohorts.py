"""Cohorts (issue #19, deliverable 6): who comes back after their first order. Reads only.

Who is counted
- Customers with an account and at least one paid order (`margins.COUNTED`: PURCHASED and
  Refunded, the orders the margins count as a sale). Guests are left out: an order without an
  account cannot be followed to the next one.
- A customer's first order is their earliest paid order ever (the oldest placed, the lower
  number on a tie), not the first in the period asked for: the period picks the cohorts, by the
  date of that first order, in the shop's time zone.
- The family filter keeps the customers whose first order had a line of that family (what
  brought them in); what they bought later counts whatever it was. The segment filter keeps the
  customers now in that RFM segment (the segment is recomputed nightly; no history is read).

Retention: a cohort is the customers whose first order was placed in month M. Month M+k's cell
is the share of them with a paid order placed in month M+k (calendar months, k = 1 … 12); a
customer may count in several cells. Months that have not begun are None, not 0.

Repurchase: the share of customers with a second paid order placed within `REPURCHASE_DAYS` (90)
days of their first. A customer whose 90 days have not run out yet is counted apart (`waiting`),
never as one who did not come back. By loyalty tier as it was on the day of the first order (from
`TierChange`, the tier history: the tier the last change on or before that day moved to; before
their first recorded change, the tier that change moved from; with no change recorded at all,
the current tier), so a customer who reached Gold by coming back does not make Gold look loyal.
By the survey score given to the first order (1–5; one band per score, and "no survey").

Each figure is one grouped query (subqueries for the first order), a handful in all whatever the
number of orders; the drill-down reads its orders in one more.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.db.models import (
    CharField,
    Count,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, TruncDate, TruncMonth
from django.utils import timezone
from oscar.core.loading import get_model

from care.surveys.models import HIGHEST, LOWEST, Survey
from loyalty.models import TierChange

from ..models import LineCost
from ..option_shares import percent
from .margins import COUNTED, NOT_COSTED, STOCKED

HORIZON = 12  # months after the first a cohort is followed
REPURCHASE_DAYS = 90
NO_SURVEY = "none"


def _paid():
    Order = get_model("order", "Order")
    return Order.objects.filter(status__in=COUNTED, user__isnull=False)


def _first(user_ref, field_name):
    """The customer's first paid order's `field_name`, as a subquery on `user_ref`."""
    return Subquery(_paid().filter(user_id=OuterRef(user_ref)).order_by("date_placed", "pk").values(field_name)[:1])


def customers(period, *, family=None, segment=None):
    """Users whose first paid order was placed in `period`, annotated with `first_at` and `first_pk`,
    narrowed by the family of that first order and by the segment they are in now."""
    people = (
        get_user_model()
        .objects.annotate(first_at=_first("pk", "date_placed"), first_pk=_first("pk", "pk"))
        .filter(first_at__gte=period.bounds()[0], first_at__lt=period.bounds()[1])
    )
    if family:
        people = people.filter(first_pk__in=orders_with_family(family))
    if segment:
        people = people.filter(loyalty_account__segment=segment)
    return people


def orders_with_family(family):
    """Ids of orders with a line of `family` (the margins' family keys: a slug, stocked, not costed)."""
    Line = get_model("order", "Line")
    if family == NOT_COSTED:
        return Line.objects.filter(cost__isnull=True).values("order_id")
    slug = "" if family == STOCKED else family
    return LineCost.objects.filter(family_slug=slug).values("order_id")


def month_offset(start, later):
    return (later.year - start.year) * 12 + later.month - start.month


def add_months(month, k):
    index = month.year * 12 + month.month - 1 + k
    return date(index // 12, index % 12 + 1, 1)


@dataclass
class Cohort:
    """The customers whose first order was in `month`, and how many ordered again in each month after."""

    month: date
    customers: int
    returned: list = field(default_factory=list)  # [count or None], index k-1 for month M+k

    @property
    def label(self):
        return self.month.strftime("%B %Y")

    @property
    def cells(self):
        """[(k, count, percent)] for k = 1 … HORIZON; count and percent None for months not begun."""
        return [(k, n, None if n is None else percent(n, self.customers)) for k, n in enumerate(self.returned, start=1)]


def retention(period, *, family=None, segment=None, today=None):
    """[Cohort], oldest first: one grouped query over the cohorts' paid orders."""
    today = today or timezone.localdate()
    this_month = today.replace(day=1)
    rows = (
        _paid()
        .filter(user__in=customers(period, family=family, segment=segment).values("pk"))
        .annotate(first_at=_first("user_id", "date_placed"))
        .annotate(cohort=TruncMonth("first_at", output_field=DateTimeField()), month=TruncMonth("date_placed"))
        .values("cohort", "month")
        .annotate(n=Count("user_id", distinct=True))
        .order_by()
    )
    found = {}
    for row in rows:
        cohort_month, month = _day(row["cohort"]).replace(day=1), _day(row["month"]).replace(day=1)
        k = month_offset(cohort_month, month)
        cohort = found.setdefault(cohort_month, Cohort(cohort_month, 0, [0] * HORIZON))
        if k == 0:
            cohort.customers = row["n"]
        elif 0 < k <= HORIZON:
            cohort.returned[k - 1] = row["n"]
    for cohort in found.values():
        for k in range(1, HORIZON + 1):
            if add_months(cohort.month, k) > this_month:
                cohort.returned[k - 1] = None
    return [found[month] for month in sorted(found)]


def _day(value):
    """A TruncMonth result as a date (a datetime in the shop's zone, or a date on some back ends)."""
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


@dataclass
class CohortOrder:
    number: str
    placed: datetime
    customer: str
    total_incl_tax: object
    first_order: str  # the number of the customer's first order


def orders_behind_cell(period, *, cohort, offset, family=None, segment=None):
    """The paid orders placed in month `cohort` + `offset` by the customers of cohort `cohort`
    (a date, the first of the month): what one triangle cell counts. One query."""
    start = cohort.replace(day=1)
    zone = timezone.get_current_timezone()
    first_from = datetime.combine(start, datetime.min.time(), tzinfo=zone)
    first_to = datetime.combine(add_months(start, 1), datetime.min.time(), tzinfo=zone)
    month_from = datetime.combine(add_months(start, offset), datetime.min.time(), tzinfo=zone)
    month_to = datetime.combine(add_months(start, offset + 1), datetime.min.time(), tzinfo=zone)
    people = customers(period, family=family, segment=segment).filter(first_at__gte=first_from, first_at__lt=first_to)
    rows = (
        _paid()
        .filter(user__in=people.values("pk"), date_placed__gte=month_from, date_placed__lt=month_to)
        .annotate(first_number=_first("user_id", "number"))
        .values_list("number", "date_placed", "user__email", "total_incl_tax", "first_number")
        .order_by("date_placed", "pk")
    )
    return [CohortOrder(*row) for row in rows]


# Repurchase ----------------------------------------------------------------------------------


@dataclass
class Repurchase:
    """Of `customers` whose window has run out, `again` ordered a second time within it."""

    key: str
    label: str
    customers: int = 0
    again: int = 0
    waiting: int = 0  # first order too recent: their window is still open, counted apart

    @property
    def rate(self):
        return percent(self.again, self.customers)


def _with_window(people, days):
    """Customers annotated with `again`: a second paid order within `days` of the first."""
    Order = get_model("order", "Order")
    window = ExpressionWrapper(OuterRef("first_at") + timedelta(days=days), output_field=DateTimeField())
    second = Order.objects.filter(
        status__in=COUNTED,
        user_id=OuterRef("pk"),
        date_placed__gte=OuterRef("first_at"),
        date_placed__lt=window,
    ).exclude(pk=OuterRef("first_pk"))
    return people.annotate(again=Exists(second))


def _repurchase(people, key_expr, *, days, now):
    rows = (
        _with_window(people, days)
        .annotate(group_key=key_expr)
        .values("group_key")
        .annotate(
            customers=Count("pk", filter=Q(first_at__lt=now - timedelta(days=days))),
            again=Count("pk", filter=Q(again=True, first_at__lt=now - timedelta(days=days))),
            waiting=Count("pk", filter=Q(first_at__gte=now - timedelta(days=days))),
        )
        .order_by()
    )
    return {row["group_key"]: row for row in rows}


def _fill(entry, row):
    if row:
        entry.customers, entry.again, entry.waiting = row["customers"], row["again"], row["waiting"]
    return entry


def repurchase_by_tier(period, *, family=None, segment=None, days=REPURCHASE_DAYS, now=None):
    """[Repurchase] by the loyalty tier on the day of the first order, lowest tier first, then "No tier"."""
    Tier = get_model("loyalty", "Tier")
    now = now or timezone.now()
    people = customers(period, family=family, segment=segment).annotate(first_day=TruncDate("first_at"))
    moves = TierChange.objects.filter(user_id=OuterRef("pk"), kind__in=[TierChange.Kind.UP, TierChange.Kind.DOWN])
    before = moves.filter(changed_on__lte=OuterRef("first_day")).order_by("-changed_on", "-pk")
    after = moves.filter(changed_on__gt=OuterRef("first_day")).order_by("changed_on", "pk")
    then = Coalesce(
        Subquery(before.values("to_tier")[:1]),
        Subquery(after.values("from_tier")[:1]),
        F("loyalty_account__tier__name"),
        Value(""),
        output_field=CharField(),
    )
    found = _repurchase(people, then, days=days, now=now)
    names = list(Tier.objects.order_by("min_spend_12m").values_list("name", flat=True))
    rows = [_fill(Repurchase(name, name), found.pop(name, None)) for name in names]
    for name, row in sorted(found.items(), key=lambda item: item[0] or ""):  # no tier, or one since renamed
        rows.append(_fill(Repurchase(name or "", name or "No tier"), row))
    return rows


def repurchase_by_survey(period, *, family=None, segment=None, days=REPURCHASE_DAYS, now=None):
    """[Repurchase] by the score the first order's survey gave (1 … 5), then those without one."""
    now = now or timezone.now()
    people = customers(period, family=family, segment=segment)
    score = Subquery(Survey.objects.filter(order_id=OuterRef("first_pk")).values("score")[:1])
    found = _repurchase(people, score, days=days, now=now)
    rows = [_fill(Repurchase(str(n), f"{n} of {HIGHEST}"), found.get(n)) for n in range(LOWEST, HIGHEST + 1)]
    rows.append(_fill(Repurchase(NO_SURVEY, "No survey answered"), found.get(None)))
    return rows
