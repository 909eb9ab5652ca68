"""On-time shipping against the promised date (issue #19, deliverable 6), by product family and
by month, with how late the late ones were. Reads only.

What is counted
- Paid orders (`margins.COUNTED`) with a promised ship date (`production.PromisedDate`, fixed
  when the order was paid), whose promised date falls in the period. The month is the month of
  the promised date: a month's figure says how the promises due that month were kept.
- Shipped is the first time the order moved to Shipped in Oscar's status history
  (`OrderStatusChange`); Delivered stands in when no Shipped step was recorded (it cannot come
  before). Its day in the shop's time zone is compared with the promised day.
- On time: shipped on or before the promised day. Late: shipped after it, or not shipped and the
  promised day has passed (its lateness so far counted to today). Not shipped and not yet due
  (promised today or later): left out of the rate, counted apart as `not_due`.
- An order refunded without having shipped is left out (the promise ended with the refund); one
  in Shipped or Delivered with no status change recorded (imported as it stands) is left out and
  counted as `unrecorded`, never guessed on time.
- By family: an order counts once in each family it has a line of (a sofa and a tee ship
  together, so the promise is the order's); the totals count it once. Families are those of the
  frozen line costs (`LineCost.family_slug`), as in the margins; an order with no line costed yet
  is under "Not costed yet".

Two queries whatever the size: the orders with their first shipping step (a subquery), and their
families; the figures are folded from those rows.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import OuterRef, Subquery
from django.utils import timezone
from oscar.core.loading import get_model

from atelier.orders import OrderStatus

from ..models import LineCost
from ..option_shares import percent
from .cohorts import orders_with_family
from .margins import COUNTED, NOT_COSTED, STOCKED, family_label, family_names

SHIPPING_STEPS = [OrderStatus.SHIPPED, OrderStatus.DELIVERED]

# Bands of lateness in days: (from, to included or None, words).
LATENESS = [(1, 2, "1–2 days"), (3, 7, "3–7 days"), (8, 14, "8–14 days"), (15, None, "15 days or more")]


@dataclass
class PromisedOrder:
    number: str
    placed: datetime
    customer: str
    promised: date
    shipped: date | None
    families: list = field(default_factory=list)  # family keys

    def days_late(self, today):
        """Days after the promised day it shipped, or has been waiting; 0 when on time; None when not yet due."""
        if self.shipped is not None:
            return max((self.shipped - self.promised).days, 0)
        if self.promised < today:
            return (today - self.promised).days
        return None

    @property
    def month(self):
        return self.promised.replace(day=1)


@dataclass
class Promises:
    """How the promises of one group were kept."""

    key: object
    label: str
    on_time: int = 0
    late_shipped: int = 0
    late_waiting: int = 0  # past the promised day and not shipped
    not_due: int = 0
    lateness: Counter = field(default_factory=Counter)  # band words -> orders

    @property
    def late(self):
        return self.late_shipped + self.late_waiting

    @property
    def due(self):
        return self.on_time + self.late

    @property
    def on_time_pct(self):
        return percent(self.on_time, self.due)

    @property
    def bands(self):
        """[(words, orders)] in the order of LATENESS."""
        return [(words, self.lateness[words]) for _, _, words in LATENESS]

    def count(self, order, today):
        days = order.days_late(today)
        if days is None:
            self.not_due += 1
        elif days == 0:
            self.on_time += 1
        else:
            if order.shipped is None:
                self.late_waiting += 1
            else:
                self.late_shipped += 1
            self.lateness[band(days)] += 1


def band(days):
    for low, high, words in LATENESS:
        if days >= low and (high is None or days <= high):
            return words
    return None


@dataclass
class Report:
    total: Promises
    by_family: list
    by_month: list
    unrecorded: int = 0


def promised_orders(period, *, family=None, segment=None):
    """([PromisedOrder], unrecorded): the orders whose promised day falls in `period`. Two queries."""
    Order = get_model("order", "Order")
    OrderStatusChange = get_model("order", "OrderStatusChange")
    shipped = OrderStatusChange.objects.filter(order_id=OuterRef("pk"), new_status__in=SHIPPING_STEPS)
    orders = (
        Order.objects.filter(
            status__in=COUNTED,
            promised_date__ship_date__gte=period.start,
            promised_date__ship_date__lte=period.end,
        )
        .annotate(shipped_at=Subquery(shipped.order_by("date_created", "pk").values("date_created")[:1]))
        .exclude(status=OrderStatus.REFUNDED, shipped_at__isnull=True)
    )
    if family:
        orders = orders.filter(pk__in=orders_with_family(family))
    if segment:
        orders = orders.filter(user__loyalty_account__segment=segment)
    rows = orders.values_list(
        "pk", "number", "date_placed", "user__email", "promised_date__ship_date", "shipped_at", "status"
    ).order_by("promised_date__ship_date", "pk")
    found, unrecorded = {}, 0
    for pk, number, placed, email, promised, shipped_at, status in rows:
        if shipped_at is None and status in SHIPPING_STEPS:
            unrecorded += 1
            continue
        shipped_on = timezone.localtime(shipped_at).date() if shipped_at else None
        found[pk] = PromisedOrder(number, placed, email or "Guest", promised, shipped_on)
    pairs = LineCost.objects.filter(order_id__in=list(found)).values_list("order_id", "family_slug").distinct()
    for order_id, slug in pairs.order_by():
        found[order_id].families.append(slug or STOCKED)
    for order in found.values():
        order.families = sorted(set(order.families)) or [NOT_COSTED]
        if family:  # the family asked for, alone: the others of a mixed order are another page's
            order.families = [family] if family in order.families else order.families
    return list(found.values()), unrecorded


def promises_kept(period, *, family=None, segment=None, today=None):
    """Report: the rate for all orders, by family (the worst first) and by month (in order)."""
    today = today or timezone.localdate()
    orders, unrecorded = promised_orders(period, family=family, segment=segment)
    names = family_names()
    total = Promises("all", "All families")
    families, months = {}, {}
    for order in orders:
        total.count(order, today)
        for key in order.families:
            families.setdefault(key, Promises(key, family_label(key, names))).count(order, today)
        month = order.month
        months.setdefault(month, Promises(month, month.strftime("%B %Y"))).count(order, today)
    by_family = sorted(families.values(), key=lambda p: (p.on_time_pct is None, p.on_time_pct or 0, p.label))
    return Report(total, by_family, [months[m] for m in sorted(months)], unrecorded)


WHICH = {"late", "on_time", "not_due", "all"}


def orders_behind(period, *, which="late", family=None, segment=None, month=None, today=None):
    """[(PromisedOrder, days late)] behind one figure: the late (or on-time, not yet due, all) orders
    of a family (the filter) and a month (the first of it, or None for the whole period); the
    latest first. Two queries."""
    today = today or timezone.localdate()
    orders, _ = promised_orders(period, family=family, segment=segment)
    rows = []
    for order in orders:
        if month is not None and order.month != month:
            continue
        days = order.days_late(today)
        kind = "not_due" if days is None else ("on_time" if days == 0 else "late")
        if which in (kind, "all"):
            rows.append((order, days))
    return sorted(rows, key=lambda row: (-(row[1] or 0), row[0].promised, row[0].number))
