"""Margins and contributions (issue #19, deliverable 2): by product family, option value and
month, and each customer's contribution, summed by RFM segment and loyalty tier. Reads only.

What is counted
- Orders placed in the period (`Period`, dates inclusive, in the shop's time zone) that were
  paid: PURCHASED and Refunded. An order cancelled before payment never earned or cost anything;
  one cancelled after payment has its refund beside it and made nothing, so it is left out too.
- Revenue is the lines' price excl. tax as paid (Oscar's `line_price_excl_tax`, after every
  discount, points included). In the contribution it is shown before discounts
  (`line_price_before_discounts_excl_tax`) so the discounts and the points can be taken off in
  the open; the two add up to the same thing.
- Cost is the line's frozen cost (`LineCost`): materials plus labour, the actual labour once the
  workshop has recorded it, else the planned. A line whose cost is not known (no `LineCost` row,
  a figure missing, a `problem`) is never counted at zero: its lines and revenue are reported
  apart ("cost unknown") and left out of the margin.
- Points redeemed, at their cost: what they took off the order (the spent `PointsHold`'s amount,
  `ProgrammeRules.point_value` a point when redeemed), excl. tax at the order's own tax ratio.
  They are counted when spent even if a refund later gave them back: the refund of the money
  and the points back together undo the sale, and the points returned are a liability again,
  counted when they are next spent.
- Discounts: everything else Oscar took off the lines (offers and vouchers), i.e. the lines'
  price before discounts less as paid, less the points.
- Refunds: what the payment sources say was refunded (Oscar's `Source.amount_refunded`), excl.
  tax at the order's ratio, counted in the order's period (not the refund's date).
- Remakes and repairs: production's work orders of kind remake or repair on the customer's
  lines. A remake work order keeps no cost of its own, so it is costed as the original line's
  unit cost (materials and labour, as above) times the work order's quantity. A repair redoes
  only the finishing steps, so this is its upper bound; the seam for a better figure is
  `unit_cost`, the one expression both use. A remake of a line without a known cost is
  counted in `remakes_unknown`, never as zero.

Every figure is a set-based aggregate (a handful of queries whatever the number of orders);
the option table alone reads the lines' option shares (JSON) and folds them in Python
(`analytics.option_shares`), one row per line read in one query.
"""

import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import (
    BooleanField,
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, NullIf, TruncMonth
from django.utils import timezone
from oscar.core.loading import get_model

from atelier.orders import PURCHASED, OrderStatus
from configurator.describe import describe_options
from configurator.models import ProductFamily
from configurator.selectors import current_options
from loyalty.models import PointsHold, Segment
from production.models import WorkOrder

from ..option_shares import LABOUR, PENNY, ZERO, CostedLine, option_margins, percent, shares_for

COUNTED = [*PURCHASED, OrderStatus.REFUNDED]
MONEY = DecimalField(max_digits=20, decimal_places=6)
STOCKED = "stocked"  # the family key of stocked goods (their LineCost has no family)
NOT_COSTED = "not-costed"  # the family key of lines with no LineCost row at all


@dataclass(frozen=True)
class Period:
    """From `start` to `end`, both days included, in the shop's time zone."""

    start: date
    end: date

    def bounds(self):
        zone = timezone.get_current_timezone()
        return (
            datetime.combine(self.start, time.min, tzinfo=zone),
            datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=zone),
        )


@dataclass
class Margin:
    """One row of a margin table: complete lines' revenue and cost, and the lines apart whose cost
    is unknown (their revenue shown, never a margin)."""

    key: object
    label: str
    lines: int = 0
    revenue: Decimal = ZERO
    cost: Decimal = ZERO
    unknown_lines: int = 0
    unknown_revenue: Decimal = ZERO

    @property
    def margin(self):
        return self.revenue - self.cost

    @property
    def margin_pct(self):
        return percent(self.margin, self.revenue)


@dataclass
class Contribution:
    """revenue − cost − discounts − points − refunds − remakes, for a customer or a group."""

    key: object
    label: str
    orders: int = 0
    revenue: Decimal = ZERO  # before discounts, excl. tax
    cost: Decimal = ZERO
    discounts: Decimal = ZERO
    points: Decimal = ZERO
    refunds: Decimal = ZERO
    remakes: Decimal = ZERO
    unknown_lines: int = 0
    remakes_unknown: int = 0
    customers: int = 0
    extra: dict = field(default_factory=dict)

    @property
    def contribution(self):
        return self.revenue - self.cost - self.discounts - self.points - self.refunds - self.remakes

    @property
    def complete(self):
        return not (self.unknown_lines or self.remakes_unknown)


def orders_in(period):
    Order = get_model("order", "Order")
    start, end = period.bounds()
    return Order.objects.filter(status__in=COUNTED, date_placed__gte=start, date_placed__lt=end)


def lines_in(period, *, family=None):
    """Lines of the orders counted, with `known` (a complete cost) and `line_cost` annotated."""
    Line = get_model("order", "Line")
    start, end = period.bounds()
    lines = costed(
        Line.objects.filter(order__status__in=COUNTED, order__date_placed__gte=start, order__date_placed__lt=end)
    )
    if family == STOCKED:
        return lines.filter(cost__family_slug="")
    if family == NOT_COSTED:
        return lines.filter(cost__isnull=True)
    if family:
        return lines.filter(cost__family_slug=family)
    return lines


def costed(lines):
    """Lines with `known` (a complete cost) and `line_cost` annotated: what every margin reads."""
    return lines.annotate(
        known=_known("cost__"),
        line_cost=ExpressionWrapper(unit_cost("cost__") * F("cost__quantity"), output_field=MONEY),
    )


def unit_cost(prefix):
    """A line's unit cost, the actual labour when recorded: the expression margins and remakes share."""
    return ExpressionWrapper(
        F(f"{prefix}materials_per_unit")
        + Coalesce(F(f"{prefix}actual_labour_per_unit"), F(f"{prefix}labour_per_unit")),
        output_field=MONEY,
    )


def _known(prefix):
    complete = Q(**{f"{prefix}problem": "", f"{prefix}materials_per_unit__isnull": False}) & (
        Q(**{f"{prefix}labour_per_unit__isnull": False}) | Q(**{f"{prefix}actual_labour_per_unit__isnull": False})
    )
    return Case(When(complete, then=Value(True)), default=Value(False), output_field=BooleanField())


def _margin_figures():
    known, unknown = Q(known=True), Q(known=False)
    return {
        "n_lines": Count("pk", filter=known),
        "revenue": Sum("line_price_excl_tax", filter=known),
        "cost": Sum("line_cost", filter=known),
        "n_unknown": Count("pk", filter=unknown),
        "unknown_revenue": Sum("line_price_excl_tax", filter=unknown),
    }


def _margin(key, label, row):
    return Margin(
        key=key,
        label=label,
        lines=row["n_lines"],
        revenue=_money(row["revenue"]),
        cost=_money(row["cost"]),
        unknown_lines=row["n_unknown"],
        unknown_revenue=_money(row["unknown_revenue"]),
    )


def family_names():
    return dict(ProductFamily.objects.values_list("slug", "name"))


def family_label(slug, names):
    if slug is None or slug == NOT_COSTED:
        return "Not costed yet"
    if slug in ("", STOCKED):
        return "Stocked goods"
    return names.get(slug, slug)


def margin_by_family(period, *, family=None):
    """[Margin] by product family, the most earning first; stocked goods are one family of their own,
    lines never costed another."""
    rows = lines_in(period, family=family).values("cost__family_slug").annotate(**_margin_figures()).order_by()
    names = family_names()
    margins = []
    for row in rows:
        slug = row["cost__family_slug"]
        key = NOT_COSTED if slug is None else (slug or STOCKED)
        margins.append(_margin(key, family_label(slug, names), row))
    return sorted(margins, key=lambda m: (-m.margin, m.label))


def margin_by_month(period, *, family=None):
    """[Margin] by the month orders were placed, in order."""
    rows = (
        lines_in(period, family=family)
        .annotate(month=TruncMonth("order__date_placed"))
        .values("month")
        .annotate(**_margin_figures())
        .order_by("month")
    )
    return [_margin(row["month"].date(), row["month"].strftime("%B %Y"), row) for row in rows]


def costed_lines(period, *, family=None):
    """[CostedLine] for the lines with a complete cost: what the option table folds. One query."""
    rows = (
        lines_in(period, family=family)
        .filter(known=True, cost__family_slug__gt="")
        .values_list(
            "order__number",
            "cost__family_slug",
            "cost__quantity",
            "line_price_excl_tax",
            "cost__materials",
            "cost__actual_labour_per_unit",
            "cost__labour_per_unit",
        )
        .order_by("pk")
    )
    return [
        CostedLine(
            order_number=number,
            family_slug=slug,
            quantity=quantity,
            revenue=revenue,
            materials=materials or [],
            labour=(actual if actual is not None else planned) * quantity,
        )
        for number, slug, quantity, revenue, materials, actual, planned in rows
    ]


@dataclass
class OptionRow:
    """An option_shares.OptionMargin (its figures read through) in words."""

    figures: object
    family: str
    option_name: str
    value_text: str

    def __getattr__(self, name):
        return getattr(self.figures, name)


def margin_by_option(period, *, family=None, lines=None):
    """[OptionRow] by (family, option, value), the one that loses most first, in the words of the
    family's current version (an option or choice since removed keeps its code)."""
    lines = costed_lines(period, family=family) if lines is None else lines
    words = _option_words({line.family_slug for line in lines})
    margins = option_margins(lines, _free_text(words))
    names = family_names()
    return [
        OptionRow(m, family_label(m.family_slug, names), *_words(words, m.family_slug, m.option, m.value))
        for m in margins
    ]


@dataclass(frozen=True)
class OrderShare:
    """One order line behind a row of the option table: its share of revenue and cost."""

    number: str
    placed: datetime
    customer: str
    revenue: Decimal
    cost: Decimal

    @property
    def margin(self):
        return self.revenue - self.cost


def orders_behind_option(period, *, family, option, value):
    """The order lines whose option share makes one row of the option table, the worst first:
    [OrderShare]. Two queries: the lines, then their orders' dates and customers."""
    lines = costed_lines(period, family=family)
    free_text = _free_text(_option_words({family}))
    shares = shares_for(lines, family_slug=family, option=option, value=value, free_text=free_text)
    Order = get_model("order", "Order")
    orders = {
        number: (placed, email or "Guest")
        for number, placed, email in Order.objects.filter(number__in={s.order_number for s in shares}).values_list(
            "number", "date_placed", "user__email"
        )
    }
    rows = [
        OrderShare(s.order_number, *orders[s.order_number], s.revenue.quantize(PENNY), s.cost.quantize(PENNY))
        for s in shares
    ]
    return sorted(rows, key=lambda row: (row.margin, row.number))


def option_label(family, option, value):
    """'Family — Option: value' in words, for the drill-down's heading."""
    words = _option_words({family})
    option_name, value_text = _words(words, family, option, value)
    return f"{family_label(family, family_names())} — {option_name}" + (f": {value_text}" if value_text else "")


def _option_words(slugs):
    """{family: {option code: option dict}} from each family's current version (one query each)."""
    words = {}
    for slug in slugs:
        options = current_options(slug) or []
        words[slug] = {option["code"]: option for option in options}
    return words


def _free_text(words):
    return frozenset(
        (slug, code) for slug, options in words.items() for code, option in options.items() if option["kind"] == "text"
    )


def _words(words, family, option, value):
    if option == "base":
        return "Base product", ""
    if option == LABOUR:
        return "Labour (the routing's operations)", ""
    known = words.get(family, {}).get(option)
    if known is not None and known["kind"] == "text":
        return known.get("name", option), "(any text)"
    parsed = _parsed(value)
    as_stored = "" if parsed is None else str(parsed)
    if known is None or not _plain(parsed):  # a value no table row holds (a tampered link): as it came
        return known.get("name", option) if known else option, as_stored
    described = describe_options([known], {option: parsed}, with_quantity=True)
    return known.get("name", option), described[0][2] if described else as_stored


def _parsed(value):
    try:
        return json.loads(value) if value else None
    except ValueError:
        return value


def _plain(value):
    """A value an option can hold: a choice, a number, yes or no, a list of choices."""
    if isinstance(value, list):
        return all(isinstance(item, str) for item in value)
    return isinstance(value, str | int | float | bool)


# Contributions ---------------------------------------------------------------------------------

GROUPS = {
    "customer": "user_id",
    "segment": "user__loyalty_account__segment",
    "tier": "user__loyalty_account__tier__name",
    "order": "pk",  # one row per order: what the campaign ROI (selectors.roi) folds into its own groups
}


def contributions(period, *, by="customer", family=None, orders=None):
    """[Contribution] by customer, RFM segment or loyalty tier, the lowest first (who costs us).

    Five grouped queries whatever the size: lines (revenue, discounts, cost), points, refunds,
    remakes, orders and customers. With a family, the orders with a line of it count whole: the
    points and refunds belong to an order, not to a line, and taking them off one family's lines
    alone would make its discounts go negative.

    `orders`, instead of a period: the orders to count (those of them that were paid), for a reader
    whose orders are not one period's (the ROI's attribution windows run past the period's end).
    """
    group = GROUPS[by]
    if orders is not None:
        orders = orders.filter(status__in=COUNTED)
        every_line = costed(get_model("order", "Line").objects.filter(order__in=orders))
    else:
        orders = orders_in(period)
        every_line = lines_in(period)
    if family:
        orders = orders.filter(pk__in=lines_in(period, family=family).values("order_id"))
    found = {}

    def row(key):
        return found.setdefault(key, Contribution(key=key, label=""))

    lines = (
        every_line.filter(order__in=orders)
        .values(f"order__{group}")
        .annotate(
            before=Sum("line_price_before_discounts_excl_tax"),
            paid=Sum("line_price_excl_tax"),
            cost=Sum("line_cost", filter=Q(known=True)),
            n_unknown=Count("pk", filter=Q(known=False)),
        )
    )
    paid_by_group = {}
    for item in lines.order_by():
        entry = row(item[f"order__{group}"])
        entry.revenue = _money(item["before"])
        entry.cost = _money(item["cost"])
        entry.unknown_lines = item["n_unknown"]
        paid_by_group[entry.key] = _money(item["paid"])

    spent = PointsHold.objects.filter(order_number=OuterRef("number"), status=PointsHold.Status.SPENT)
    points = (
        orders.annotate(held=Subquery(spent.values("amount")[:1]))
        .filter(held__isnull=False)
        .values(group)
        .annotate(points=Sum(_excl_tax(F("held"), "")))
        .order_by()
    )
    for item in points:
        row(item[group]).points = _money(item["points"])

    Source = get_model("payment", "Source")
    refunds = (
        Source.objects.filter(order__in=orders, amount_refunded__gt=0)
        .values(f"order__{group}")
        .annotate(refunded=Sum(_excl_tax(F("amount_refunded"), "order__")))
        .order_by()
    )
    for item in refunds:
        row(item[f"order__{group}"]).refunds = _money(item["refunded"])

    remade = WorkOrder.objects.filter(order__in=orders, kind__in=[WorkOrder.REMAKE, WorkOrder.REPAIR])
    remakes = (
        remade.annotate(known=_known("line__cost__"))
        .values(f"order__{group}")
        .annotate(
            cost=Sum(
                ExpressionWrapper(unit_cost("line__cost__") * F("quantity"), output_field=MONEY),
                filter=Q(known=True),
            ),
            n_unknown=Count("pk", filter=Q(known=False)),
        )
        .order_by()
    )
    for item in remakes:
        entry = row(item[f"order__{group}"])
        entry.remakes, entry.remakes_unknown = _money(item["cost"]), item["n_unknown"]

    counts = orders.values(group).annotate(n=Count("pk"), people=Count("user_id", distinct=True)).order_by()
    for item in counts:
        entry = row(item[group])
        entry.orders, entry.customers = item["n"], item["people"]

    for entry in found.values():
        # What Oscar took off the lines that the points did not: offers and vouchers.
        entry.discounts = entry.revenue - paid_by_group.get(entry.key, ZERO) - entry.points
    _label(found, by)
    return sorted(found.values(), key=lambda c: (c.contribution, c.label))


def _label(found, by):
    if by == "customer":
        people = (
            get_user_model()
            .objects.filter(pk__in=[key for key in found if key is not None])
            .values("pk", "email", "first_name", "last_name", "loyalty_account__segment", "loyalty_account__tier__name")
        )
        segments = dict(Segment.choices)
        for person in people:
            entry = found[person["pk"]]
            name = f"{person['first_name']} {person['last_name']}".strip()
            entry.label = f"{name} <{person['email']}>" if name else person["email"]
            entry.extra = {
                "segment": segments.get(person["loyalty_account__segment"], "–"),
                "tier": person["loyalty_account__tier__name"] or "–",
            }
        if None in found:
            found[None].label = "Guests (no account)"
    elif by == "order":
        return  # read by key (the order's id), never shown as such
    elif by == "segment":
        segments = dict(Segment.choices)
        for key, entry in found.items():
            entry.label = str(segments.get(key, "No loyalty account")) if key else "No loyalty account"
    else:
        for key, entry in found.items():
            entry.label = key or "No tier"


def _excl_tax(amount, prefix):
    """An amount incl. tax at the order's own tax ratio. The 1.000000 keeps SQLite from dividing
    integers (a whole-pound total is stored as an integer there); PostgreSQL's numeric is exact."""
    return ExpressionWrapper(
        amount * Value(Decimal("1.000000")) * F(f"{prefix}total_excl_tax") / NullIf(F(f"{prefix}total_incl_tax"), 0),
        output_field=MONEY,
    )


def _money(value):
    return ZERO.quantize(PENNY) if value is None else Decimal(value).quantize(PENNY)
