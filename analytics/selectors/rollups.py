"""The margin dashboard's figures from the nightly roll-ups: the same functions and rows as
analytics.selectors.margins, to the penny, without reading every order of the period.

A period is read from the summary tables for the days the roll-up has built (`RollupDay`) and
from the raw orders, by the same SQL the roll-up runs (analytics/rollup_sql.py), for the days it
has not: today, and a day whose roll-up failed. Both halves are one UNION ALL that the database
sums, rounded once at the end; so a page is exact whatever is built, and as fast as the roll-ups
where they are. What the roll-ups do not hold is read raw: the contributions filtered by a family
(an order with a line of the family counts whole, a fact of the order the customer's day does not
keep) and the orders behind an option value (a drill-down lists orders).

A built day is as of its roll-up: a refund recorded since shows in the raw selectors at once and
here after the next nightly run (analytics/rollup.py rebuilds the days it touched).

The reads go to `settings.ANALYTICS_DATABASE` (default "default"): a read replica when one is set
(docs/operations.md).
"""

import json
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, timedelta
from decimal import Context, Decimal

from django.conf import settings
from django.db import connections, transaction

from loyalty.models import LoyaltyAccount, Tier

from .. import rollup_sql, rollup_window
from ..models import (
    ContributionDay,
    ContributionWindow,
    CustomerContribution,
    FamilyMarginDay,
    GroupContribution,
    OptionMarginDay,
    RollupDay,
)
from ..option_shares import PENNY, ZERO, OptionMargin, value_key
from . import margins
from .margins import Contribution, Margin, OptionRow, family_label, family_names

_FLOAT = Context(prec=15)  # how Django reads SQLite's floating sums into Decimals


def database():
    return getattr(settings, "ANALYTICS_DATABASE", "default")


_read = ContextVar("rollup_read", default=None)


@contextmanager
def one_read():
    """Within the block, what every selector of a page asks first (the days not built, the window,
    the figures it does not hold) is read once per period: a page calls six selectors over one."""
    token = _read.set({})
    try:
        yield
    finally:
        _read.reset(token)


def _once(key, compute):
    memo = _read.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def unbuilt_ranges(period, alias=None):
    """[Period] of the days in `period` the roll-up has not built, as few ranges as possible."""
    alias = alias or database()
    return _once(("unbuilt", alias, period), lambda: _unbuilt_ranges(period, alias))


def _unbuilt_ranges(period, alias):
    built = set(
        RollupDay.objects.using(alias).filter(day__gte=period.start, day__lte=period.end).values_list("day", flat=True)
    )
    ranges, start, day = [], None, period.start
    while day <= period.end:
        if day in built:
            if start is not None:
                ranges.append(margins.Period(start, day - timedelta(days=1)))
                start = None
        elif start is None:
            start = day
        day += timedelta(days=1)
    if start is not None:
        ranges.append(margins.Period(start, period.end))
    return ranges


def _rows(model, columns, sources, period, alias, *, built=True):
    """(sql, params): the table's rows for the period's built days and the sources' rows for the
    others; with `built` False, the sources' rows for the days not built only (or none: None)."""
    table = connections[alias].ops.quote_name(model._meta.db_table)
    # Names from the models and rollup_sql, SELECTs compiled by the ORM: every value is bound.
    # The table's SELECT first, for the union's column names; with `built` False it reads no row.
    where = "day >= %s AND day <= %s" if built else "1 = 0"
    parts = [f"SELECT {', '.join(columns)} FROM {table} WHERE {where}"]  # noqa: S608
    params = [period.start, period.end] if built else []
    unbuilt = unbuilt_ranges(period, alias)
    if not built and not unbuilt:
        return None, []
    for missing in unbuilt:
        for sql, more in sources(missing):
            parts.append(f"SELECT * FROM ({sql}) raw_{len(parts)}")  # noqa: S608
            params.extend(more)
    return " UNION ALL ".join(parts), params


def _fetch(sql, params, alias):
    connection = connections[alias]
    with transaction.atomic(using=alias), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A page's query is short: compiling it (JIT, which its estimated cost can trigger) takes
            # longer than running it.
            cursor.execute("SET LOCAL jit = off")
        cursor.execute(sql, params)
        return cursor.fetchall()


def _decimal(value):
    if value is None:
        return ZERO
    if isinstance(value, float):
        return _FLOAT.create_decimal_from_float(value)
    return Decimal(value)


def _money(value):
    return _decimal(value).quantize(PENNY)


def _day(value):
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


# Margins -----------------------------------------------------------------------------------------


def _family_rows(period, family, *, by_day):
    alias = database()
    union, params = _rows(
        FamilyMarginDay,
        rollup_sql.FAMILY_COLUMNS,
        lambda p: [rollup_sql.family_margins(p, alias)],
        period,
        alias,
    )
    key = "day" if by_day else "family_key"
    where = "WHERE family_key = %s" if family else ""
    sql = (
        f"SELECT {key}, SUM(lines), SUM(revenue), SUM(cost), SUM(unknown_lines), SUM(unknown_revenue) "  # noqa: S608
        f"FROM ({union}) r {where} GROUP BY {key}"
    )
    return _fetch(sql, [*params, *([family] if family else [])], alias)


def _margin(key, label, lines, revenue, cost, unknown_lines, unknown_revenue):
    return Margin(
        key=key,
        label=label,
        lines=int(lines or 0),
        revenue=_money(revenue),
        cost=_money(cost),
        unknown_lines=int(unknown_lines or 0),
        unknown_revenue=_money(unknown_revenue),
    )


def margin_by_family(period, *, family=None):
    """As margins.margin_by_family, from the roll-ups."""
    names = family_names()
    rows = [
        _margin(key, family_label(key, names), *figures) for key, *figures in _family_rows(period, family, by_day=False)
    ]
    return sorted(rows, key=lambda m: (-m.margin, m.label))


def margin_by_month(period, *, family=None):
    """As margins.margin_by_month, from the roll-ups (summed by day in SQL, by month here: a
    dialect-free month, and at most a few hundred days)."""
    months = {}
    for day, *figures in _family_rows(period, family, by_day=True):
        month = _day(day).replace(day=1)
        total = months.setdefault(month, [0, ZERO, ZERO, 0, ZERO])
        for index, value in enumerate(figures):
            total[index] += int(value or 0) if index in (0, 3) else _decimal(value)
    return [_margin(month, month.strftime("%B %Y"), *months[month]) for month in sorted(months)]


def margin_by_option(period, *, family=None):
    """As margins.margin_by_option, from the roll-ups. The stored value is read back into the raw
    computation's key (option_shares.value_key), and a free-text option's values are one row."""
    alias = database()
    vendor = connections[alias].vendor
    union, params = _rows(
        OptionMarginDay,
        rollup_sql.OPTION_COLUMNS,
        lambda p: [rollup_sql.option_margins(p, alias, vendor)],
        period,
        alias,
    )
    where = "WHERE family_slug = %s" if family else ""
    sql = (
        f"SELECT family_slug, option, value, SUM(lines), SUM(revenue), SUM(cost) FROM ({union}) r {where} "  # noqa: S608
        "GROUP BY family_slug, option, value"
    )
    rows = _fetch(sql, [*params, *([family] if family else [])], alias)
    words = margins._option_words({slug for slug, *_ in rows})
    free_text = margins._free_text(words)
    totals = {}
    for slug, option, value, lines, revenue, cost in rows:
        key = "" if not value or (slug, option) in free_text else value_key(json.loads(value))
        total = totals.setdefault((slug, option, key), OptionMargin(slug, option, key))
        total.lines += int(lines)
        total.revenue += _decimal(revenue)
        total.cost += _decimal(cost)
    for total in totals.values():
        total.revenue, total.cost = total.revenue.quantize(PENNY), total.cost.quantize(PENNY)
    ordered = sorted(totals.values(), key=lambda t: (t.margin, t.family_slug, t.option, t.value))
    names = family_names()
    return [
        OptionRow(m, family_label(m.family_slug, names), *margins._words(words, m.family_slug, m.option, m.value))
        for m in ordered
    ]


# Contributions -----------------------------------------------------------------------------------

_GROUPS = {"customer": "r.user_id", "segment": "a.segment", "tier": "t.name"}


def contributions(period, *, by="customer", family=None, lowest=None):
    """As margins.contributions, from the roll-ups; with a family, from the raw orders (see above).

    `lowest`: only the customers with the lowest contributions, that many (the page's table; the
    CSV has everyone). The database picks them by the contribution it sums, rounded as the rows
    are, with room to spare for ties; the rows are then ordered exactly as the raw ones."""
    if family or by not in _GROUPS:
        return margins.contributions(period, by=by, family=family)
    alias = database()
    window = _window_for(period, alias)
    if window is not None:
        return _from_window(window, period, by, lowest, alias)
    group = _GROUPS[by]
    union, params = _rows(
        ContributionDay,
        rollup_sql.CONTRIBUTION_COLUMNS,
        lambda p: rollup_sql.contributions(p, alias),
        period,
        alias,
    )
    quote = connections[alias].ops.quote_name
    # The group from _GROUPS, the tables from the models: every value is bound.
    sql = (
        f"SELECT {group}, COUNT(DISTINCT r.user_id), SUM(r.orders), SUM(r.revenue), SUM(r.paid), SUM(r.cost), "  # noqa: S608
        "SUM(r.unknown_lines), SUM(r.points), SUM(r.refunds), SUM(r.remakes), SUM(r.remakes_unknown) "
        f"FROM ({union}) r "
        f"LEFT JOIN {quote(LoyaltyAccount._meta.db_table)} a ON a.user_id = r.user_id "
        f"LEFT JOIN {quote(Tier._meta.db_table)} t ON t.id = a.tier_id "
        f"GROUP BY {group}"
    )
    if lowest is not None and by == "customer":
        # revenue - cost - discounts - points - refunds - remakes = paid - cost - refunds - remakes.
        sql += (
            " ORDER BY ROUND(SUM(r.paid), 2) - ROUND(SUM(r.cost), 2) - ROUND(SUM(r.refunds), 2)"
            " - ROUND(SUM(r.remakes), 2), r.user_id LIMIT %s"
        )
        params = [*params, 2 * lowest + 10]
    found = {key: _contribution(key, people, *figures) for key, people, *figures in _fetch(sql, params, alias)}
    return _ordered(found, by, lowest)


def _contribution(key, people, orders, revenue, paid, cost, unknown, points, refunds, remakes, remakes_unknown):
    entry = Contribution(
        key=key,
        label="",
        orders=int(orders or 0),
        customers=int(people or 0),
        revenue=_money(revenue),
        cost=_money(cost),
        points=_money(points),
        refunds=_money(refunds),
        remakes=_money(remakes),
        unknown_lines=int(unknown or 0),
        remakes_unknown=int(remakes_unknown or 0),
    )
    # What Oscar took off the lines that the points did not: offers and vouchers.
    entry.discounts = entry.revenue - _money(paid) - entry.points
    return entry


def _ordered(found, by, lowest):
    margins._label(found, by)
    ordered = sorted(found.values(), key=lambda c: (c.contribution, c.label))
    return ordered if lowest is None else ordered[:lowest]


# The windows of the last 12 months and 30 days (analytics/rollup_window.py) -------------------------


def _window_for(period, alias):
    """The valid window the period starts with and runs at least to the end of, or None."""
    return _once(("window", alias, period), lambda: _valid_window(period, alias))


def _valid_window(period, alias):
    return (
        ContributionWindow.objects.using(alias)
        .filter(valid=True, start=period.start, through__lte=period.end)
        .order_by("-through")
        .first()
    )


def _window_delta(window, period, alias):
    """{customer: [figures]} of what the window does not hold: the period's days after it, and the
    days in it not built (read raw; they had no daily rows when the window was summed)."""
    return _once(("delta", alias, window.days, window.through, period), lambda: _delta(window, period, alias))


def _delta(window, period, alias):
    sources = lambda p: rollup_sql.contributions(p, alias)  # noqa: E731
    parts, params = [], []
    if period.end > window.through:
        after = margins.Period(window.through + timedelta(days=1), period.end)
        sql, more = _rows(ContributionDay, rollup_sql.CONTRIBUTION_COLUMNS, sources, after, alias)
        parts.append(sql)
        params.extend(more)
    sql, more = _rows(
        ContributionDay,
        rollup_sql.CONTRIBUTION_COLUMNS,
        sources,
        margins.Period(window.start, window.through),
        alias,
        built=False,
    )
    if sql:
        parts.append(sql)
        params.extend(more)
    if not parts:
        return {}
    sums = ", ".join(f"SUM(r.{name})" for name in rollup_window.FIGURES)
    sql = f"SELECT r.user_id, {sums} FROM ({' UNION ALL '.join(parts)}) r GROUP BY r.user_id"  # noqa: S608
    return {user: [_decimal(value) for value in figures] for user, *figures in _fetch(sql, params, alias)}


def _window_rows(queryset):
    return {row[0]: [_decimal(value) for value in row[1:]] for row in queryset.values_list(*_WINDOW_KEY)}


_WINDOW_KEY = ["user_id", *rollup_window.FIGURES]


def _added(figures, more):
    return [a + b for a, b in zip(figures, more, strict=True)]


def _from_window(window, period, by, lowest, alias):
    """contributions() from the window, with what it does not hold added (see _window_delta)."""
    delta = _window_delta(window, period, alias)
    rows = CustomerContribution.objects.using(alias).filter(days=window.days)
    known = _window_rows(_among(rows, delta))
    if by == "customer":
        chosen = rows.order_by("contribution", "user_id")
        # Room for ties, and for the customers the days after the window move up or down.
        found = known | _window_rows(chosen if lowest is None else chosen[: 2 * lowest + 10 + len(delta)])
        for user, more in delta.items():
            found[user] = _added(found.get(user, [ZERO] * len(more)), more)
        people = {user: _contribution(user, int(user is not None), *figures) for user, figures in found.items()}
        return _ordered(people, by, lowest)
    field = "segment" if by == "segment" else "tier"
    groups = {}
    for key, people, *figures in (
        GroupContribution.objects.using(alias)
        .filter(days=window.days)
        .values_list(field, "customers", *rollup_window.FIGURES)
    ):
        total = groups.setdefault(key, [0, *([ZERO] * len(figures))])
        groups[key] = [total[0] + people, *_added(total[1:], [_decimal(value) for value in figures])]
    # The days after the window: a customer under the segment or tier of now, counted once.
    accounts = dict(
        LoyaltyAccount.objects.using(alias)
        .filter(user_id__in=[user for user in delta if user is not None])
        .values_list("user_id", "segment" if by == "segment" else "tier__name")
    )
    for user, more in delta.items():
        key = accounts.get(user)
        total = groups.setdefault(key, [0, *([ZERO] * len(more))])
        groups[key] = [total[0] + (1 if user is not None and user not in known else 0), *_added(total[1:], more)]
    return _ordered({key: _contribution(key, *figures) for key, figures in groups.items()}, by, lowest)


def _among(rows, users):
    """The window rows of `users` (ids, None for the guests' row)."""
    ids = [user for user in users if user is not None]
    chosen = rows.filter(user_id__in=ids) if ids else rows.none()
    return chosen | rows.filter(user_id__isnull=True) if None in users else chosen


orders_behind_option = margins.orders_behind_option
option_label = margins.option_label
