"""The SELECTs behind the margin roll-ups: per day, the sums the margin selectors compute from raw
orders. Reads only; the roll-up (analytics/rollup.py) inserts their rows into the summary tables,
and the rolled selectors (analytics/selectors/rollups.py) run them for the days not built yet.

Each is built with the ORM from the raw selectors' own querysets and expressions (what counts,
revenue, cost, the actual labour when known, refunds and points excl. tax at the order's ratio),
so the two cannot drift apart; only the option shares, which expand the line's frozen JSON
(`LineCost.materials`), are SQL written per dialect around that queryset.
"""

from decimal import Decimal

from django.db.models import (
    Case,
    CharField,
    Count,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate
from oscar.core.loading import get_model

from loyalty.models import PointsHold
from production.models import WorkOrder

from .option_shares import LABOUR
from .selectors.margins import MONEY, NOT_COSTED, STOCKED, _excl_tax, _known, lines_in, orders_in, unit_cost

FAMILY_COLUMNS = ["day", "family_key", "lines", "revenue", "cost", "unknown_lines", "unknown_revenue"]
OPTION_COLUMNS = ["day", "family_slug", "option", "value", "lines", "revenue", "cost"]
CONTRIBUTION_COLUMNS = ["day", "user_id", "orders", "revenue", "paid", "cost", "unknown_lines", "points", "refunds",
                        "remakes", "remakes_unknown"]  # fmt: skip


def _zero():
    return Value(Decimal(0), output_field=MONEY)


def _none():
    return Value(0, output_field=IntegerField())


def _sum(expression, **extra):
    return Coalesce(Sum(expression, **extra), _zero(), output_field=MONEY)


_FIGURES = ("r_orders", "r_revenue", "r_paid", "r_cost", "r_unknown", "r_points", "r_refunds", "r_remakes",
            "r_remakes_unknown")  # fmt: skip
_COUNTS = {"r_orders", "r_unknown", "r_remakes_unknown"}


def _figures(**given):
    """A contribution part's figures: those it gives, zero for the others (the parts are UNIONed)."""
    return {name: given[name] if name in given else _none() if name in _COUNTS else _zero() for name in _FIGURES}


def compiled(queryset, alias):
    """(sql, params) of a queryset for the database `alias`."""
    return queryset.query.get_compiler(alias).as_sql()


def family_margins(period, alias):
    """SELECT of FAMILY_COLUMNS for the orders placed in `period`."""
    known = Q(known=True)
    rows = (
        lines_in(period)
        .annotate(
            r_day=TruncDate("order__date_placed"),
            r_family=Case(
                When(cost__isnull=True, then=Value(NOT_COSTED)),
                When(cost__family_slug="", then=Value(STOCKED)),
                default=F("cost__family_slug"),
                output_field=CharField(),
            ),
        )
        .values("r_day", "r_family")
        .annotate(
            r_lines=Count("pk", filter=known),
            r_revenue=_sum("line_price_excl_tax", filter=known),
            r_cost=_sum("line_cost", filter=known),
            r_unknown=Count("pk", filter=~known),
            r_unknown_revenue=_sum("line_price_excl_tax", filter=~known),
        )
        .values_list("r_day", "r_family", "r_lines", "r_revenue", "r_cost", "r_unknown", "r_unknown_revenue")
        .order_by()
    )
    return compiled(rows, alias)


def _costed_lines(period, alias):
    """The raw selectors' `costed_lines` as SQL: a complete cost and a family."""
    labour = ExpressionWrapper(
        Coalesce(F("cost__actual_labour_per_unit"), F("cost__labour_per_unit")) * F("cost__quantity"),
        output_field=MONEY,
    )
    rows = (
        lines_in(period)
        .filter(known=True, cost__family_slug__gt="")
        .annotate(
            r_day=TruncDate("order__date_placed"),
            r_family=F("cost__family_slug"),
            r_quantity=F("cost__quantity"),
            r_revenue=F("line_price_excl_tax"),
            r_materials=F("cost__materials"),
            r_labour=labour,
        )
        .values_list("r_day", "r_family", "r_quantity", "r_revenue", "r_materials", "r_labour")
        .order_by()
    )
    return compiled(rows, alias)


# The option shares of analytics.option_shares.shares_of, in SQL. {elements} expands a JSON array,
# {text}/{number} read a member as text or number, {value} is the stored value as JSON text
# ('' for none), read back into option_shares.value_key by the selectors. `t` is materialised so
# that a line's list price total is summed once, not once for each of its options.
_OPTION_SQL = """
WITH s AS ({lines}),
t AS MATERIALIZED (
    SELECT s.*, (SELECT COALESCE(SUM({x_price}), 0) FROM {x_elements}) AS listed FROM s
)
SELECT t.r_day, t.r_family, COALESCE({option}, '') AS option, {value} AS value, COUNT(*) AS lines,
    SUM(CASE WHEN t.listed <> 0 THEN t.r_revenue * {price} / t.listed ELSE 0 END) AS revenue,
    SUM({cost} * t.r_quantity) AS cost
FROM t CROSS JOIN {elements}
GROUP BY t.r_day, t.r_family, COALESCE({option}, ''), {value}
UNION ALL
SELECT s.r_day, s.r_family, '{labour}', '', COUNT(*), 0, SUM(s.r_labour)
FROM s WHERE s.r_labour <> 0
GROUP BY s.r_day, s.r_family
"""

_DIALECTS = {
    "postgresql": {
        "elements": "jsonb_array_elements(CASE WHEN jsonb_typeof(t.r_materials) = 'array' "
        "THEN t.r_materials ELSE '[]'::jsonb END) e",
        "x_elements": "jsonb_array_elements(CASE WHEN jsonb_typeof(s.r_materials) = 'array' "
        "THEN s.r_materials ELSE '[]'::jsonb END) x",
        "x_price": "COALESCE(NULLIF(x.value->>'price', '')::numeric, 0)",
        "price": "COALESCE(NULLIF(e.value->>'price', '')::numeric, 0)",
        "cost": "COALESCE(NULLIF(e.value->>'cost', '')::numeric, 0)",
        "option": "e.value->>'option'",
        "value": "CASE WHEN COALESCE(jsonb_typeof(e.value->'value'), 'null') = 'null' THEN '' "
        "ELSE (e.value->'value')::text END",
    },
    "sqlite": {
        "elements": "json_each(CASE WHEN json_type(t.r_materials) = 'array' THEN t.r_materials ELSE '[]' END) e",
        "x_elements": "json_each(CASE WHEN json_type(s.r_materials) = 'array' THEN s.r_materials ELSE '[]' END) x",
        "x_price": "COALESCE(CAST(json_extract(x.value, '$.price') AS REAL), 0)",
        "price": "COALESCE(CAST(json_extract(e.value, '$.price') AS REAL), 0)",
        "cost": "COALESCE(CAST(json_extract(e.value, '$.cost') AS REAL), 0)",
        "option": "json_extract(e.value, '$.option')",
        "value": "CASE WHEN COALESCE(json_type(e.value, '$.value'), 'null') = 'null' THEN '' "
        "ELSE e.value -> '$.value' END",
    },
}


def option_margins(period, alias, vendor):
    """SELECT of OPTION_COLUMNS for the orders placed in `period` (PostgreSQL or SQLite)."""
    lines, params = _costed_lines(period, alias)
    return _OPTION_SQL.format(lines=lines, labour=LABOUR, **_DIALECTS[vendor]), params


def contributions(period, alias):
    """SELECTs of CONTRIBUTION_COLUMNS for the orders placed in `period`: lines (orders, revenue,
    cost), points, refunds and remakes, each its own rows (a customer and day may have several)."""
    orders = orders_in(period)
    day, user = TruncDate("order__date_placed"), F("order__user_id")
    lines = (
        lines_in(period)
        .annotate(r_day=day, r_user=user)
        .values("r_day", "r_user")
        .annotate(
            **_figures(
                r_orders=Count("order_id", distinct=True),
                r_revenue=_sum("line_price_before_discounts_excl_tax"),
                r_paid=_sum("line_price_excl_tax"),
                r_cost=_sum("line_cost", filter=Q(known=True)),
                r_unknown=Count("pk", filter=Q(known=False)),
            )
        )
    )
    spent = PointsHold.objects.filter(order_number=OuterRef("number"), status=PointsHold.Status.SPENT)
    points = (
        orders.annotate(held=Subquery(spent.values("amount")[:1]))
        .filter(held__isnull=False)
        .annotate(r_day=TruncDate("date_placed"), r_user=F("user_id"))
        .values("r_day", "r_user")
        .annotate(
            **_figures(
                r_points=_sum(_excl_tax(F("held"), "")),
            )
        )
    )
    Source = get_model("payment", "Source")
    refunds = (
        Source.objects.filter(order__in=orders, amount_refunded__gt=0)
        .annotate(r_day=day, r_user=user)
        .values("r_day", "r_user")
        .annotate(
            **_figures(
                r_refunds=_sum(_excl_tax(F("amount_refunded"), "order__")),
            )
        )
    )
    remade = WorkOrder.objects.filter(order__in=orders, kind__in=[WorkOrder.REMAKE, WorkOrder.REPAIR])
    remakes = (
        remade.annotate(known=_known("line__cost__"), r_day=day, r_user=user)
        .values("r_day", "r_user")
        .annotate(
            **_figures(
                r_remakes=_sum(
                    ExpressionWrapper(unit_cost("line__cost__") * F("quantity"), output_field=MONEY),
                    filter=Q(known=True),
                ),
                r_remakes_unknown=Count("pk", filter=Q(known=False)),
            )
        )
    )
    names = ["r_day", "r_user", *_FIGURES]
    return [compiled(part.values_list(*names).order_by(), alias) for part in (lines, points, refunds, remakes)]
