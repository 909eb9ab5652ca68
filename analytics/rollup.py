"""The nightly roll-up of the margin dashboard: plain SQL into summary tables, incremental by day.

Each day (the day orders were placed, shop time) is rebuilt whole: its rows deleted and inserted
again by `INSERT … SELECT … GROUP BY` (analytics/rollup_sql.py) and its `RollupDay` row written,
in one transaction. Running it twice therefore changes nothing, a run killed half-way leaves
every day either as it was or rebuilt, and pages compute a day not built from raw orders.
Python holds no rows: the work, and its memory, are the database's.

Which days a run rebuilds
- `full`: every day from the first order placed to yesterday (the tables emptied first).
- incremental (nightly): the days up to yesterday never built, and the days of the orders that
  changed since the last successful run started: placed since; a line's cost frozen or its actual
  labour recorded since (`LineCost.computed_at`, `actual_recorded_at`); a payment transaction
  since (a refund, `payment.Transaction.date_created`); a status change since (a cancellation
  after payment, `order.OrderStatusChange`); a remake or repair work order, or a points hold,
  created since. A late refund or actual labour thus reaches its order's old day the next night.
  Figures changed in any other way (an UPDATE by hand) need `--since DATE` or `--full`.
- `since`: also every day from that date.

Days are rebuilt in chunks of consecutive days (a month), a transaction each; a chunk that fails
is tried day by day (a failing full build month by month first), so one bad day is logged and
the others go on. The bad day's rebuild is rolled back whole: a day never built stays unbuilt (its
pages read raw orders), a day built before keeps that build (as the windows summed from it do)
until a later night rebuilds it. A full build is one chunk: each summary
table filled by one INSERT … SELECT … GROUP BY over every order, into tables emptied with TRUNCATE
and without their secondary indexes, which are built again once the rows are in (PostgreSQL; the
session gets more memory for its sorts).
Today is never built: it is still changing, and the pages add it from raw orders.

Then the windows of the last 12 months and the last 30 days (analytics/rollup_window.py) are
brought up to date: summed whole after a full build, else only for the customers that changed (the
days rebuilt, the day that left each window, a new segment or tier), the groups moved by the
difference.
"""

import logging
import time
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import DatabaseError, connections, transaction
from django.db.models import Min, Q
from django.db.models.functions import TruncDate
from django.utils import timezone
from oscar.core.loading import get_model

from loyalty.models import PointsHold
from production.models import WorkOrder

from . import rollup_sql, rollup_window
from .models import ContributionDay, FamilyMarginDay, LineCost, OptionMarginDay, RollupDay, RollupRun
from .selectors.margins import COUNTED, Period

log = logging.getLogger(__name__)
CHUNK_DAYS = 31
# A full build reads every order once a statement: one chunk, however many days (a chunk a year
# read the lines three times over, and a month a statement would look them up by order over and over).
FULL_CHUNK_DAYS = 1_000_000
LOCK = 7_419_019  # the advisory lock that keeps two roll-ups from writing the same day at once (PostgreSQL)
ALIAS = "default"  # the roll-up writes to the primary; pages may read a replica (ANALYTICS_DATABASE)


@dataclass
class RollupResult:
    days: int = 0
    failed: list = field(default_factory=list)
    seconds: float = 0.0


def yesterday():
    return timezone.localdate() - timedelta(days=1)


def first_order_day():
    Order = get_model("order", "Order")
    first = Order.objects.filter(status__in=COUNTED).aggregate(first=Min("date_placed"))["first"]
    return timezone.localtime(first).date() if first else None


def days_to_rebuild(*, full=False, since=None, through=None):
    """The sorted days a run rebuilds (see the module's docstring)."""
    through = through or yesterday()
    first = first_order_day()
    if first is None or first > through:
        return []
    every = [first + timedelta(days=n) for n in range((through - first).days + 1)]
    if full:
        return every
    days = set(every) - set(RollupDay.objects.filter(day__gte=first, day__lte=through).values_list("day", flat=True))
    if since is not None:
        days |= {day for day in every if day >= since}
    last = RollupRun.objects.filter(finished_at__isnull=False).order_by("-started_at").first()
    if last is not None:
        days |= {day for day in changed_days(last.started_at) if first <= day <= through}
    return sorted(days)


def changed_days(moment):
    """The days (orders' placing days, shop time) of the orders that changed since `moment`."""
    Order = get_model("order", "Order")
    Transaction = get_model("payment", "Transaction")
    StatusChange = get_model("order", "OrderStatusChange")
    touched = [
        Q(date_placed__gte=moment),
        Q(pk__in=LineCost.objects.filter(computed_at__gte=moment).values("order_id")),
        Q(pk__in=LineCost.objects.filter(actual_recorded_at__gte=moment).values("order_id")),
        Q(pk__in=Transaction.objects.filter(date_created__gte=moment).values("source__order_id")),
        Q(pk__in=StatusChange.objects.filter(date_created__gte=moment).values("order_id")),
        Q(pk__in=WorkOrder.objects.filter(created__gte=moment).exclude(kind=WorkOrder.ORDER).values("order_id")),
        Q(number__in=PointsHold.objects.filter(created__gte=moment).values("order_number")),
    ]
    # One query per cause, not one OR of them all: each then reads its own index.
    days = set()
    for cause in touched:
        days |= set(
            Order.objects.filter(cause)
            .annotate(day=TruncDate("date_placed"))
            .values_list("day", flat=True)
            .distinct()
            .order_by()
        )
    return days


def chunks(days, size=CHUNK_DAYS):
    """Runs of consecutive days, at most `size` long: [Period]."""
    runs = []
    for day in days:
        if runs and day - runs[-1][-1] == timedelta(days=1) and len(runs[-1]) < size:
            runs[-1].append(day)
        else:
            runs.append([day])
    return [Period(run[0], run[-1]) for run in runs]


def rebuild(period, *, touched=None, full=False):
    """Delete and insert the roll-up rows of the days of `period`, and mark them built, in one
    transaction. Idempotent. Returns the number of days. `touched`: a set to add the customers
    whose contribution rows were there before or are now (for the window's refresh). `full`: the
    tables were emptied and are without their secondary indexes (a full build; no DELETE)."""
    connection = connections[ALIAS]
    vendor = connection.vendor
    quote = connection.ops.quote_name
    targets = [
        (FamilyMarginDay, rollup_sql.FAMILY_COLUMNS, [rollup_sql.family_margins(period, ALIAS)]),
        (OptionMarginDay, rollup_sql.OPTION_COLUMNS, [rollup_sql.option_margins(period, ALIAS, vendor)]),
        (ContributionDay, rollup_sql.CONTRIBUTION_COLUMNS, rollup_sql.contributions(period, ALIAS)),
    ]
    now = timezone.now()
    days = [period.start + timedelta(days=n) for n in range((period.end - period.start).days + 1)]
    with transaction.atomic(using=ALIAS), connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK])
            # Each statement runs once over a few weeks of orders: compiling it (JIT) cost more than
            # running it (3 s against 0.1 s a chunk), and sorts fit in memory with a little more.
            cursor.execute("SET LOCAL jit = off")
            cursor.execute(f"SET LOCAL work_mem = '{'512MB' if full else '64MB'}'")
            if full:
                # The planner takes every (day, family) of the lines for a group of its own (millions,
                # where there are thousands) and sorts fifteen million rows to group them: hashed, they
                # are grouped in memory as they are read.
                cursor.execute("SET LOCAL enable_sort = off")
        rollup_window.invalidate_reaching(period.end, ALIAS)
        contribution_table = quote(ContributionDay._meta.db_table)
        if touched is not None:
            touched |= rollup_window.users_on(cursor, contribution_table, period)
        for model, columns, selects in targets:
            table = quote(model._meta.db_table)
            if not full:
                cursor.execute(f"DELETE FROM {table} WHERE day >= %s AND day <= %s", [period.start, period.end])  # noqa: S608
            for sql, params in selects:
                # Table and columns from the model, the SELECT compiled by the ORM: values are bound.
                cursor.execute(f"INSERT INTO {table} ({', '.join(columns)}) {sql}", params)
        if touched is not None:
            touched |= rollup_window.users_on(cursor, contribution_table, period)
        if not full:
            RollupDay.objects.using(ALIAS).filter(day__in=days).delete()
        RollupDay.objects.using(ALIAS).bulk_create([RollupDay(day=day, built_at=now) for day in days])
    return len(days)


def roll_up(*, full=False, since=None, through=None, progress=None):
    """Bring the margin roll-ups up to yesterday (see the module's docstring). `progress(n)` is
    called after each chunk with its number of days. Returns a RollupResult; the run is recorded."""
    started = time.perf_counter()
    run = RollupRun.objects.create(started_at=timezone.now(), full=full)
    if not full:
        ensure_indexes()
    through = through or yesterday()
    days = days_to_rebuild(full=full, since=since, through=through)
    # The windows valid before the rebuilds clear them, and the customers whose rows a rebuild
    # touches, for the windows' refresh; None: sum them whole.
    fresh = set() if full else rollup_window.valid_spans()
    touched = set() if fresh else None
    result = RollupResult()
    with _emptied_for_a_full_build() if full else nullcontext():
        for period in chunks(days, FULL_CHUNK_DAYS if full else CHUNK_DAYS):
            smaller = (CHUNK_DAYS, 1) if full else (1,)
            _rebuild_or_split(period, days, smaller, touched=touched, full=full, result=result)
            if touched is not None and len(touched) > rollup_window.MOST_TOUCHED:
                touched = None
            if progress:
                progress((period.end - period.start).days + 1)
    try:
        rollup_window.refresh(through, alias=ALIAS, touched=touched, fresh=fresh)
    except DatabaseError:
        log.exception("The windows' refresh failed; the pages read the daily roll-ups")
    result.seconds = time.perf_counter() - started
    run.finished_at, run.days, run.failed_days, run.seconds = timezone.now(), result.days, result.failed, result.seconds
    run.save(update_fields=["finished_at", "days", "failed_days", "seconds"])
    return result


def _rebuild_or_split(period, days, smaller, *, touched, full, result):
    """Rebuild `period`; if that fails, its days again in chunks of the next size in `smaller` (a
    full build's in months, then a failing month's day by day). One bad day thus costs a few dozen
    statements and is left as it was (see the module's docstring); the rest is built."""
    try:
        result.days += rebuild(period, touched=touched, full=full)
        return
    except DatabaseError:
        if not smaller or period.start == period.end:
            log.exception("Roll-up of %s failed; its pages read raw orders", period.start)
            result.failed.append(period.start.isoformat())
            return
        log.exception("Roll-up of %s to %s failed; trying it %s day(s) at a time", period.start, period.end, smaller[0])
    inside = [day for day in days if period.start <= day <= period.end]
    for part in chunks(inside, smaller[0]):
        _rebuild_or_split(part, inside, smaller[1:], touched=touched, full=False, result=result)


SUMMARIES = (FamilyMarginDay, OptionMarginDay, ContributionDay, RollupDay)


@contextmanager
def _emptied_for_a_full_build():
    """The summary tables emptied, without their secondary indexes while the block fills them (on
    PostgreSQL: TRUNCATE, and the indexes built again at the end, whatever happened)."""
    connection = connections[ALIAS]
    if connection.vendor != "postgresql":
        with transaction.atomic(using=ALIAS):
            for model in SUMMARIES:
                model.objects.using(ALIAS).all().delete()
        yield
        return
    tables = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in SUMMARIES)
    with transaction.atomic(using=ALIAS), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK])
        cursor.execute(f"TRUNCATE {tables}")
        rollup_window.invalidate_reaching(date.max, ALIAS)
        for name, _definition in _secondary_indexes(connection):
            cursor.execute(f"DROP INDEX IF EXISTS {name}")
    try:
        yield
    finally:
        ensure_indexes()
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {tables}")


def _secondary_indexes(connection):
    """(quoted name, CREATE INDEX) of the summary tables' indexes no constraint backs, from the models."""
    with connection.schema_editor(collect_sql=True) as editor:
        return [(str(s.parts["name"]), str(s)) for model in SUMMARIES for s in editor._model_indexes_sql(model)]


def ensure_indexes():
    """Build the summary tables' indexes that are missing (a full build killed before it built them
    again); run at the start of each run and at the end of a full build. PostgreSQL only."""
    connection = connections[ALIAS]
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = ANY(%s)", [[m._meta.db_table for m in SUMMARIES]]
        )
        present = {row[0] for row in cursor.fetchall()}
        cursor.execute("SET maintenance_work_mem = '256MB'")
        for name, definition in _secondary_indexes(connection):
            if name.strip('"') not in present:
                cursor.execute(definition)
        cursor.execute("RESET maintenance_work_mem")


def days_pending(*, full=False, since=None):
    """How many days a run would rebuild now (for a progress bar's total)."""
    return len(days_to_rebuild(full=full, since=since))
