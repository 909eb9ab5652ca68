"""The windows of the margin roll-ups: the contributions of the last 12 months and of the last 30
days summed by customer and by segment and tier, refreshed at the end of each run
(analytics/rollup.py), read by the page for those periods (analytics/selectors/rollups.py) instead
of a row per customer and day.

A window of `days` built days runs from `through` − days + 1 to `through` (yesterday, at night), so
that with today read raw it is one of the page's periods: the default (the last 12 months, today
included, 364 + 1 days) or the last 30 days (29 + 1). A refresh of a window
- sums it whole (one INSERT … SELECT … GROUP BY over the daily table, then its groups from its
  customers) after a full build, when it was not valid when the run started, or when more than
  MOST_TOUCHED customers changed;
- otherwise refreshes only the customers that changed: those whose days the run rebuilt, those of
  the days that left the window and entered it (a night: yesterday's and those of the day a year,
  or a month, ago) and those whose segment or tier is no longer the one their row was summed with.
  Their rows are deleted and summed again from the daily table (an index by customer and day), and
  the groups get the difference: their old rows taken off, their new rows added. The groups thus
  stay the sums of the window's rows by the segment and tier each was summed with, as a whole sum
  makes them (tests/analytics/test_rollup_window.py compares the two).
The segments and tiers are those of the run's moment. A rebuild of any day from a window's start on
clears its `valid` in the rebuild's own transaction, so a page never reads a window that disagrees
with the daily tables.
"""

from datetime import timedelta
from decimal import Context, Decimal

from django.db import connections, transaction
from django.utils import timezone

from loyalty.models import LoyaltyAccount, Tier

from .rollup_models import ContributionDay, ContributionWindow, CustomerContribution, GroupContribution

WINDOW_DAYS = 364  # the default page's window: built days (the page adds today; the period is 365 days)
MONTH_DAYS = 29  # the last 30 days' window, today read raw
WINDOWS = (WINDOW_DAYS, MONTH_DAYS)
MOST_TOUCHED = 100_000  # more customers changed than this: the window is summed again whole
BATCH = 10_000  # customer ids a statement (SQLite binds at most 32,766 values)
GUESTS = None  # the guests' key: orders with no customer

FIGURES = ["orders", "revenue", "paid", "cost", "unknown_lines", "points", "refunds", "remakes", "remakes_unknown"]
_FLOAT = Context(prec=15)  # SQLite's floating sums read as the ORM reads them


def window_start(through, days=WINDOW_DAYS):
    return through - timedelta(days=days - 1)


def current(days=WINDOW_DAYS):
    """The window row of `days`, or None."""
    return ContributionWindow.objects.filter(days=days).first()


def valid_spans():
    """The `days` of the windows valid now (a run reads this before its rebuilds clear them)."""
    return set(ContributionWindow.objects.filter(valid=True).values_list("days", flat=True))


def invalidate_reaching(last, using):
    """Clear the windows a rebuild of days up to `last` reaches into (in the rebuild's transaction)."""
    ContributionWindow.objects.using(using).filter(valid=True, start__lte=last).update(valid=False)


def users_on(cursor, table, period):
    """The customer ids (None for guests) with rows in the daily table in `period`."""
    return _users_between(cursor, table, period.start, period.end)


def _users_between(cursor, table, first, last):
    cursor.execute(f"SELECT DISTINCT user_id FROM {table} WHERE day >= %s AND day <= %s", [first, last])  # noqa: S608
    return {row[0] for row in cursor.fetchall()}


def _sums(prefix=""):
    return ", ".join(f"SUM({prefix}{name})" for name in FIGURES)


def _contribution():
    # As the page orders the customers: the contribution with each part rounded (see selectors).
    return "ROUND(SUM(paid), 2) - ROUND(SUM(cost), 2) - ROUND(SUM(refunds), 2) - ROUND(SUM(remakes), 2)"


def _among(users, column="user_id"):
    """(SQL condition, params) for `column` in `users`, the guests included when None is."""
    ids = [user for user in users if user is not None]
    parts = [f"{column} IN ({', '.join(['%s'] * len(ids))})"] if ids else []
    if GUESTS in users:
        parts.append(f"{column} IS NULL")
    return "(" + " OR ".join(parts or ["1 = 0"]) + ")", ids


def _decimal(value):
    if value is None:
        return Decimal(0)
    if isinstance(value, float):
        return _FLOAT.create_decimal_from_float(value)
    return Decimal(value)


class _Tables:
    def __init__(self, connection):
        quote = connection.ops.quote_name
        self.vendor = connection.vendor
        self.daily = quote(ContributionDay._meta.db_table)
        self.window = quote(CustomerContribution._meta.db_table)
        self.groups = quote(GroupContribution._meta.db_table)
        self.accounts = quote(LoyaltyAccount._meta.db_table)
        self.tiers = quote(Tier._meta.db_table)


def refresh(through, *, alias, touched=None, fresh=None):
    """Sum each window (WINDOWS) ending `through` again: whole when `touched` is None, else only the
    customers in `touched` (ids, None for guests) and the others that changed (see the module's
    docstring). `fresh`: the windows valid when the run started (valid_spans(); by default every
    window there is); the others are summed whole. Marks them valid."""
    connection = connections[alias]
    tables = _Tables(connection)
    with transaction.atomic(using=alias), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL jit = off")
            cursor.execute("SET LOCAL work_mem = '128MB'")
        # Whose segment or tier is no longer the one their row was summed with, in every window at once.
        moved = _moved(cursor, tables) if touched is not None else {}
        for days in WINDOWS:
            start = window_start(through, days)
            before = ContributionWindow.objects.using(alias).filter(days=days).first()
            users = None
            if touched is not None and before is not None and (fresh is None or days in fresh):
                users = _changed(cursor, tables, before, days, start, through, touched | moved.get(days, set()))
            if users is None:
                _sum_whole(cursor, tables, days, start, through)
            else:
                _sum_customers(cursor, tables, days, start, through, users, alias)
            ContributionWindow.objects.using(alias).update_or_create(
                days=days, defaults={"start": start, "through": through, "built_at": timezone.now(), "valid": True}
            )


def _changed(cursor, tables, before, days, start, through, touched):
    """The customers whose window rows change, or None when the window is better summed whole."""
    if before.start > start or before.through > through:
        return None  # a window moved back in time: summed again
    users = set(touched)
    if before.start < start:  # the days that left the window
        users |= _users_between(cursor, tables.daily, before.start, start - timedelta(days=1))
    if before.through < through:  # the days that entered it (the run rebuilt them: usually there already)
        users |= _users_between(cursor, tables.daily, max(before.through + timedelta(days=1), start), through)
    return None if len(users) > MOST_TOUCHED else users


def _moved(cursor, tables):
    """{days: customers whose segment or tier is no longer the one their window row was summed with}."""
    cursor.execute(
        f"SELECT c.days, c.user_id FROM {tables.window} c "  # noqa: S608
        f"LEFT JOIN {tables.accounts} a ON a.user_id = c.user_id LEFT JOIN {tables.tiers} t ON t.id = a.tier_id "
        "WHERE c.user_id IS NOT NULL AND (c.segment IS DISTINCT FROM a.segment OR c.tier IS DISTINCT FROM t.name)"
    )
    moved = {}
    for days, user in cursor.fetchall():
        moved.setdefault(days, set()).add(user)
    return moved


def _insert(cursor, tables, days, start, through, among="", ids=()):
    """Sum the window's customers (those of `among` only, when given) from the daily table."""
    figures = ", ".join(f"SUM({name}) AS {name}" for name in FIGURES)
    summed = (
        f"SELECT user_id, {figures}, {_contribution()} AS contribution FROM {tables.daily} "  # noqa: S608
        f"WHERE day >= %s AND day <= %s{' AND ' + among if among else ''} GROUP BY user_id"
    )
    if among:
        # A few thousand customers: their accounts looked up one by one (an index each); a join
        # would read all million accounts to hash them.
        account = f"FROM {tables.accounts} a"
        tier = f"JOIN {tables.tiers} t ON t.id = a.tier_id"
        groups = (
            f"(SELECT a.segment {account} WHERE a.user_id = d.user_id), "
            f"(SELECT t.name {account} {tier} WHERE a.user_id = d.user_id)"
        )
        joins = ""
    else:
        groups = "a.segment, t.name"
        joins = (
            f" LEFT JOIN {tables.accounts} a ON a.user_id = d.user_id LEFT JOIN {tables.tiers} t ON t.id = a.tier_id"
        )
    cursor.execute(
        f"INSERT INTO {tables.window} (days, user_id, {', '.join(FIGURES)}, contribution, segment, tier) "  # noqa: S608
        f"SELECT {int(days)}, d.user_id, {', '.join('d.' + name for name in FIGURES)}, d.contribution, {groups} "
        f"FROM ({summed}) d{joins}",
        [start, through, *ids],
    )


def _group_sums(cursor, tables, days, among="", ids=()):
    """{(segment, tier): [customers, *FIGURES]} of the window's rows (of `among` only, when given)."""
    cursor.execute(
        f"SELECT segment, tier, COUNT(user_id), {_sums()} FROM {tables.window} "  # noqa: S608
        f"WHERE days = {int(days)}{' AND ' + among if among else ''} GROUP BY segment, tier",
        list(ids),
    )
    return {(segment, tier): [int(people), *figures] for segment, tier, people, *figures in cursor.fetchall()}


def _sum_whole(cursor, tables, days, start, through):
    cursor.execute(f"DELETE FROM {tables.window} WHERE days = {int(days)}")  # noqa: S608
    _insert(cursor, tables, days, start, through)
    cursor.execute(f"DELETE FROM {tables.groups} WHERE days = {int(days)}")  # noqa: S608
    cursor.execute(
        f"INSERT INTO {tables.groups} (days, segment, tier, customers, {', '.join(FIGURES)}) "  # noqa: S608
        f"SELECT {int(days)}, segment, tier, COUNT(user_id), {_sums()} FROM {tables.window} "
        f"WHERE days = {int(days)} GROUP BY segment, tier"
    )
    if tables.vendor == "postgresql":
        # The planner's figures for the rows just written: without them it takes a window's hundreds of
        # thousands of rows for a few, and reads them all to find a night's customers.
        cursor.execute(f"ANALYZE {tables.window}, {tables.groups}")


def _sum_customers(cursor, tables, days, start, through, users, alias):
    """Sum `users`' rows of the window again, and move the groups by the difference."""
    difference = {}

    def move(sums, sign):
        for key, (people, *figures) in sums.items():
            total = difference.setdefault(key, [0, *([Decimal(0)] * len(FIGURES))])
            total[0] += sign * people
            for index, value in enumerate(figures, start=1):
                total[index] += sign * _decimal(value)

    users = list(users)
    for at in range(0, len(users), BATCH):
        among, ids = _among(users[at : at + BATCH])
        move(_group_sums(cursor, tables, days, among, ids), -1)
        cursor.execute(f"DELETE FROM {tables.window} WHERE days = {int(days)} AND {among}", ids)  # noqa: S608
        _insert(cursor, tables, days, start, through, among, ids)
        move(_group_sums(cursor, tables, days, among, ids), 1)
    if not any(any(total) for total in difference.values()):
        return
    groups = GroupContribution.objects.using(alias).filter(days=days)
    rows = {(g.segment, g.tier): g for g in groups}
    guests = CustomerContribution.objects.using(alias).filter(days=days, user__isnull=True).exists()
    for key, (people, *figures) in difference.items():
        row = rows.get(key) or GroupContribution(days=days, segment=key[0], tier=key[1])
        row.customers += people
        for name, value in zip(FIGURES, figures, strict=True):
            setattr(row, name, _decimal(getattr(row, name)) + value)
        rows[key] = row
    groups.delete()
    # A group left without a row goes, as a whole sum would not make it (the guests' row counts no customer).
    kept = [row for key, row in rows.items() if row.customers or (guests and key == (None, None))]
    GroupContribution.objects.using(alias).bulk_create(kept)
