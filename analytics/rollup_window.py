"""The window of the margin roll-ups: the last 12 months' contributions summed by customer and by
segment and tier, refreshed at the end of each run (analytics/rollup.py), read by the default page
(analytics/selectors/rollups.py) instead of a row per customer and day.

The window runs from `through` − 363 to `through` (yesterday, at night), so that with today read
raw it is the page's default period (the last 12 months, today included). A refresh
- after a full build, or when the window was not valid when the run started, sums every day of the
  window again (one INSERT … SELECT … GROUP BY over the daily table);
- otherwise rebuilds only the customers whose days the run rebuilt or whose days left the window
  (a night: the few thousand customers of yesterday's orders and of the day a year ago), from their
  rows of the daily table (an index by customer and day);
- then sums the customers by segment and tier again (a join of the window with the loyalty accounts,
  a few dozen rows out): the segments and tiers are those of the run's moment.
A rebuild of any day from the window's start on clears `valid` in its own transaction, so a page
never reads a window that disagrees with the daily tables.
"""

from datetime import timedelta

from django.db import connections, transaction
from django.utils import timezone

from loyalty.models import LoyaltyAccount, Tier

from .rollup_models import ContributionDay, ContributionWindow, CustomerContribution, GroupContribution

WINDOW_DAYS = 364  # built days in the window; the page adds today (the default period is 365 days)
MOST_TOUCHED = 100_000  # more customers touched than this: the window is summed again whole
BATCH = 2_000  # customer ids a statement (SQLite binds at most 32,766 values)
GUESTS = None  # the guests' key: orders with no customer

FIGURES = ["orders", "revenue", "paid", "cost", "unknown_lines", "points", "refunds", "remakes", "remakes_unknown"]


def window_start(through):
    return through - timedelta(days=WINDOW_DAYS - 1)


def current():
    """The window row, or None."""
    return ContributionWindow.objects.filter(pk=1).first()


def invalidate_reaching(last, using):
    """Clear the window if a rebuild of days up to `last` reaches into it (in the rebuild's transaction)."""
    ContributionWindow.objects.using(using).filter(valid=True, start__lte=last).update(valid=False)


def users_on(cursor, table, period):
    """The customer ids (None for guests) with rows in the daily table in `period`."""
    cursor.execute(f"SELECT DISTINCT user_id FROM {table} WHERE day >= %s AND day <= %s", [period.start, period.end])  # noqa: S608
    return {row[0] for row in cursor.fetchall()}


def _sums(prefix=""):
    return ", ".join(f"SUM({prefix}{name})" for name in FIGURES)


def _contribution():
    # As the page orders the customers: the contribution with each part rounded (see selectors).
    return "ROUND(SUM(paid), 2) - ROUND(SUM(cost), 2) - ROUND(SUM(refunds), 2) - ROUND(SUM(remakes), 2)"


def _among(users):
    """(SQL condition, params) for `user_id` in `users`, the guests included when None is."""
    ids = [user for user in users if user is not None]
    parts = [f"user_id IN ({', '.join(['%s'] * len(ids))})"] if ids else []
    if GUESTS in users:
        parts.append("user_id IS NULL")
    return "(" + " OR ".join(parts or ["1 = 0"]) + ")", ids


def refresh(through, *, alias, touched=None):
    """Sum the window ending `through` again: whole when `touched` is None, else only the customers
    in `touched` (ids, None for guests) and those whose days left the window. Marks it valid."""
    connection = connections[alias]
    quote = connection.ops.quote_name
    daily = quote(ContributionDay._meta.db_table)
    window = quote(CustomerContribution._meta.db_table)
    groups = quote(GroupContribution._meta.db_table)
    accounts, tiers = quote(LoyaltyAccount._meta.db_table), quote(Tier._meta.db_table)
    start = window_start(through)
    columns = ", ".join(["user_id", *FIGURES, "contribution"])
    select = (
        f"SELECT user_id, {_sums()}, {_contribution()} FROM {daily} "  # noqa: S608
        "WHERE day >= %s AND day <= %s"
    )
    with transaction.atomic(using=alias), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL jit = off")
            cursor.execute("SET LOCAL work_mem = '128MB'")
        before = ContributionWindow.objects.using(alias).filter(pk=1).first()
        if touched is not None and before is not None and before.start <= start:
            if before.start < start:  # the days that left the window
                cursor.execute(
                    f"SELECT DISTINCT user_id FROM {daily} WHERE day >= %s AND day < %s",  # noqa: S608
                    [before.start, start],
                )
                touched = touched | {row[0] for row in cursor.fetchall()}
            users = list(touched)
            for at in range(0, len(users), BATCH):
                among, ids = _among(users[at : at + BATCH])
                cursor.execute(f"DELETE FROM {window} WHERE {among}", ids)  # noqa: S608
                cursor.execute(
                    f"INSERT INTO {window} ({columns}) {select} AND {among} GROUP BY user_id",
                    [start, through, *ids],
                )
        else:
            cursor.execute(f"DELETE FROM {window}")  # noqa: S608
            cursor.execute(f"INSERT INTO {window} ({columns}) {select} GROUP BY user_id", [start, through])
        cursor.execute(f"DELETE FROM {groups}")  # noqa: S608
        cursor.execute(
            f"INSERT INTO {groups} (segment, tier, customers, {', '.join(FIGURES)}) "  # noqa: S608
            f"SELECT a.segment, t.name, COUNT(c.user_id), {_sums('c.')} FROM {window} c "
            f"LEFT JOIN {accounts} a ON a.user_id = c.user_id LEFT JOIN {tiers} t ON t.id = a.tier_id "
            "GROUP BY a.segment, t.name"
        )
        ContributionWindow.objects.using(alias).update_or_create(
            pk=1, defaults={"start": start, "through": through, "built_at": timezone.now(), "valid": True}
        )
