"""Reads for the value classes (issue #19, deliverable 4): every customer's 12-month figures for
the nightly run, and what the dashboard shows (classes, concentration, movers, a class's customers).

The contribution is `margins.contributions(by="customer")`'s, the same arithmetic as the margin
dashboard (revenue − cost − discounts − points − refunds − remakes); complaints are care tickets
under a topic marked as a complaint, opened in the 12 months.
"""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Count, F
from django.utils import timezone
from oscar.core.loading import get_model

from care.models import Ticket
from loyalty.models import LoyaltyAccount, Segment, ValueClass

from .. import value_classes
from ..models import ValueClassHistory, ValueClassRules
from .margins import COUNTED, Period, contributions

ZERO = Decimal("0.00")


def twelve_months(today=None):
    """The 12 months up to `today` included (365 days), as the margin dashboard's default."""
    today = today or timezone.localdate()
    return Period(today - timedelta(days=364), today)


def current_rules():
    """The staff's rules, or the defaults (unsaved) until someone has saved them."""
    return ValueClassRules.objects.order_by("pk").first() or ValueClassRules()


def rule_values(rules):
    return value_classes.Rules(
        premium_percent=rules.premium_percent,
        major_percent=rules.major_percent,
        refund_rate_limit=rules.refund_rate_limit,
        complaint_rate_limit=rules.complaint_rate_limit,
        abuse_min_orders=rules.abuse_min_orders,
    )


def customer_figures(period):
    """{user id: value_classes.Figures} for every loyalty account: every registered customer (the
    nightly loyalty run opens one for each, before this one runs); staff who bought without an
    account are not customers to rank. A handful of grouped queries whatever the number of customers."""
    figures = {}
    for row in contributions(period, by="customer"):
        if row.key is None:  # guests: no account to classify
            continue
        figures[row.key] = value_classes.Figures(
            user_id=row.key,
            contribution=row.contribution,
            orders=row.orders,
            paid=row.revenue - row.discounts - row.points,
            refunds=row.refunds,
        )
    start, end = period.bounds()
    complaints = (
        Ticket.objects.filter(topic__is_complaint=True, user__isnull=False, opened_at__gte=start, opened_at__lt=end)
        .values("user_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in complaints:
        one = figures.get(row["user_id"]) or value_classes.Figures(user_id=row["user_id"])
        figures[row["user_id"]] = _with(one, complaints=row["n"])
    Order = get_model("order", "Order")
    before = (
        Order.objects.filter(status__in=COUNTED, user__isnull=False, date_placed__lt=start)
        .values_list("user_id", flat=True)
        .distinct()
    )
    for user_id in before.iterator(chunk_size=5000):
        one = figures.get(user_id) or value_classes.Figures(user_id=user_id)
        figures[user_id] = _with(one, bought_before=True)
    customers = {}
    for user_id in LoyaltyAccount.objects.values_list("user_id", flat=True).iterator(chunk_size=5000):
        customers[user_id] = figures.get(user_id) or value_classes.Figures(user_id=user_id)
    return customers


def _with(figures, **changes):
    return value_classes.Figures(**{**figures.__dict__, **changes})


# The dashboard ----------------------------------------------------------------------------------

LABELS = dict(ValueClass.choices)


@dataclass
class ClassRow:
    code: str
    label: str
    customers: int = 0
    contribution: Decimal = ZERO  # their 12-month contribution, as of now

    @property
    def average(self):
        return (self.contribution / self.customers).quantize(Decimal("0.01")) if self.customers else None


def class_rows(figures):
    """[ClassRow] in the classes' order: how many customers each class holds (as the last nightly
    run wrote them) and what they contributed over the 12 months up to now."""
    rows = {code: ClassRow(code, str(label)) for code, label in ValueClass.choices}
    for row in LoyaltyAccount.objects.values("value_class").annotate(n=Count("pk")).order_by():
        if row["value_class"] in rows:
            rows[row["value_class"]].customers = row["n"]
    classes = dict(LoyaltyAccount.objects.values_list("user_id", "value_class").iterator(chunk_size=5000))
    for user_id, one in figures.items():
        code = classes.get(user_id)
        if code in rows:
            rows[code].contribution += one.contribution
    return list(rows.values())


def buying_contributions(figures):
    """The contributions of the customers with a paid order in the period (the concentration's)."""
    return [one.contribution for one in figures.values() if one.orders]


@dataclass(frozen=True)
class Move:
    user_id: int
    email: str
    computed_on: object
    previous_class: str
    value_class: str
    reason: str

    @property
    def previous_label(self):
        return LABELS.get(self.previous_class, self.previous_class)

    @property
    def label(self):
        return LABELS.get(self.value_class, self.value_class)


def movement(*, days=30, today=None):
    """{(from, to): count} of class changes in the last `days` (first classifications left out)."""
    since = (today or timezone.localdate()) - timedelta(days=days)
    rows = (
        ValueClassHistory.objects.filter(computed_on__gt=since)
        .exclude(previous_class="")
        .exclude(previous_class=F("value_class"))
        .values("previous_class", "value_class")
        .annotate(n=Count("pk"))
        .order_by("-n", "previous_class", "value_class")
    )
    return [(LABELS.get(r["previous_class"]), LABELS.get(r["value_class"]), r["n"]) for r in rows]


def movers(*, days=30, today=None, limit=50):
    """[Move], the latest first: customers whose class changed in the last `days`."""
    since = (today or timezone.localdate()) - timedelta(days=days)
    rows = list(
        ValueClassHistory.objects.filter(computed_on__gt=since)
        .exclude(previous_class="")
        .order_by("-computed_on", "user_id")
        .values_list("user_id", "computed_on", "previous_class", "value_class", "reason")[:limit]
    )
    emails = dict(get_user_model().objects.filter(pk__in=[row[0] for row in rows]).values_list("pk", "email"))
    return [Move(user_id, emails.get(user_id, "–"), *rest) for user_id, *rest in rows]


@dataclass(frozen=True)
class ClassMember:
    user_id: int
    email: str
    name: str
    tier: str
    segment: str
    contribution: Decimal
    orders: int
    since: object  # the day they entered the class (None before the first run recorded it)
    reason: str


def class_members(code, figures):
    """[ClassMember] of one class (as the last nightly run wrote it), the largest contribution first."""
    accounts = (
        LoyaltyAccount.objects.filter(value_class=code)
        .order_by("user_id")
        .values_list("user_id", "user__email", "user__first_name", "user__last_name", "tier__name", "segment")
    )
    entered = {}
    latest = (
        ValueClassHistory.objects.filter(value_class=code, user_id__in=LoyaltyAccount.objects.filter(
            value_class=code).values("user_id"))
        .order_by("user_id", "-computed_on")
        .values_list("user_id", "computed_on", "reason")
    )  # fmt: skip
    for user_id, day, reason in latest.iterator(chunk_size=5000):
        entered.setdefault(user_id, (day, reason))
    segments = dict(Segment.choices)
    members = []
    for user_id, email, first, last, tier, segment in accounts.iterator(chunk_size=5000):
        one = figures.get(user_id) or value_classes.Figures(user_id=user_id)
        day, reason = entered.get(user_id, (None, ""))
        members.append(
            ClassMember(
                user_id=user_id,
                email=email,
                name=f"{first} {last}".strip(),
                tier=tier or "–",
                segment=str(segments.get(segment, segment)),
                contribution=one.contribution,
                orders=one.orders,
                since=day,
                reason=reason,
            )
        )
    return sorted(members, key=lambda m: (-m.contribution, m.user_id))
