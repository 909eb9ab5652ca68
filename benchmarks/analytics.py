"""Benchmark the margin dashboard's roll-ups on PostgreSQL (issue #19, speed).

    python benchmarks/analytics.py [--quick] [--regenerate] [--parts build,increment,pages,family,raw]

Database: DATABASE_URL, or postgres://postgres@127.0.0.1:5432/atelier_bench_rollup (created and
migrated if needed; --quick uses atelier_bench_rollup_quick).

1. Data (not timed): 1,000,000 customers with loyalty accounts (segments and tiers at random),
   5,000,000 paid orders over three years up to the day before yesterday, 15,000,000 lines (three
   an order, five families, three options each) with their frozen costs (`LineCost`, materials as
   JSON), a points redemption on 5% of the orders and a refund on the 4% refunded, all written
   with generate_series straight into the real tables. --quick: 10,000 / 50,000 / 150,000.
2. build_s: the full roll-up, `manage.py analytics_rollup --full` in a process of its own (the
   nightly task's code; yesterday has no orders yet), as the run records it (`RollupRun.seconds`).
   peak_mb: that process's peak resident memory (and the increment's), Django loaded included;
   loaded_mb: how much of it the process held before the roll-up began (Django, Oscar and Wagtail
   loaded), rollup_mb: what the roll-up added above that (the larger of the two runs). The work is
   SQL, the process holds no rows.
3. increment_s: one day's orders more (yesterday's, as many as an average day), then the nightly
   incremental run (it finds the new day, and the days of whatever changed, and rebuilds them).
4. Pages: the margin dashboard through Django's test client (URL, permission check, selectors,
   template, everything but the network), each page several times, median: the default page
   (the last 12 months, all families), the same with one family chosen, and the last 30 days.
   page_median_ms is the slowest of those medians.
5. ratio: the 30-day page computed from raw orders on request (analytics.selectors.margins, as
   the page did before the roll-ups) against the same page from the roll-ups, in the same run.
   The raw 12-month page is measured too with --quick; at full size it reads every line of the
   year into Python (five million rows, gigabytes) and is only estimated from the 30-day one
   (x 365/30, raw_12m_estimate_ms), which the JSON says.

--parts runs some of 2.-5. against the database as it is (the data and the roll-ups of an earlier
run): `--parts increment,pages` measures a night and the pages without the half-hour build; the
figures of the parts not run are null. `family` is the 12-month page with one family chosen,
whose contributions are read from raw orders (minutes at full size; once there). Its family is a
generated one, made a configurator family (no options) so that the form offers it.

Progress on stderr; the last stdout line is one JSON object.
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
from contextlib import nullcontext
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
QUICK = "--quick" in sys.argv
DEFAULT_URL = f"postgres://postgres@127.0.0.1:5432/atelier_bench_rollup{'_quick' if QUICK else ''}"
os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings.embedded"
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"
os.environ["LOG_LEVEL"] = "WARNING"

import django  # noqa: E402

from benchmarks.lib.postgres import ensure_database, log  # noqa: E402

ensure_database(os.environ["DATABASE_URL"])
django.setup()

from datetime import timedelta  # noqa: E402
from decimal import Decimal  # noqa: E402

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402
from oscar.core.loading import get_model  # noqa: E402

from analytics.dashboard import views  # noqa: E402
from analytics.models import RollupRun  # noqa: E402
from analytics.selectors import margins  # noqa: E402
from configurator.models import ProductFamily  # noqa: E402
from loyalty.models import Tier  # noqa: E402
from portal.demo import loyalty as demo_loyalty  # noqa: E402

FAMILIES = ["bench-tote", "bench-mug", "bench-cap", "bench-print", "bench-card"]
PAGE = "/dashboard/analytics/margins/"
REPEAT = 5
PARTS = ("build", "increment", "pages", "family", "raw")


def prepare_schema():
    log("migrating (once)…")
    call_command("migrate", verbosity=0)
    demo_loyalty.load_tiers()
    ensure_families()


def ensure_families():
    """The generated lines' families as configurator families (a product each, no options), so that
    the dashboard's family filter offers them as it offers the shop's."""
    Product = get_model("catalogue", "Product")
    ProductClass = get_model("catalogue", "ProductClass")
    kind, _ = ProductClass.objects.get_or_create(name="Bench goods", defaults={"track_stock": False})
    for slug in FAMILIES:
        if ProductFamily.objects.filter(slug=slug).exists():
            continue
        name = slug.replace("bench-", "Bench ").capitalize()
        product = Product.objects.create(title=name, upc=slug.upper(), product_class=kind, structure="standalone")
        ProductFamily.objects.create(
            product=product, slug=slug, name=name, preview=ProductFamily.Preview.TOTE, base_price=Decimal("18.00")
        )


def generated_counts():
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM users_user WHERE email LIKE 'r%%@bench.example'")
        customers = cursor.fetchone()[0]
        cursor.execute("SELECT COUNT(*) FROM order_order WHERE number LIKE 'R%%'")
        orders = cursor.fetchone()[0]
    return customers, orders


def _without_indexes(cursor, table):
    """Drop a table's secondary indexes for the load; returns their definitions to build them again."""
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
        "AND indexname NOT IN (SELECT conname FROM pg_constraint)",
        [table],
    )
    indexes = cursor.fetchall()
    for name, _ in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _, definition in indexes]


def _insert_orders(cursor, *, prefix, first_user, last_user, start, count, placed):
    """`count` orders numbered prefix+start.., their three lines each, the lines' frozen costs, and
    a points redemption or a refund on some, set-based. `placed` is the SQL of an order's date."""
    cursor.execute("SELECT COALESCE(MAX(id), 0) FROM order_order")
    floor = cursor.fetchone()[0]  # the batch's orders are the ones above it
    cursor.execute(
        f"""INSERT INTO order_order (number, currency, total_incl_tax, total_excl_tax, shipping_incl_tax,
               shipping_excl_tax, shipping_method, shipping_code, status, guest_email, date_placed, user_id,
               analytics_tracked)
           SELECT %s || g, 'GBP', 0, 0, 0, 0, 'Standard', 'standard',
               CASE WHEN random() < 0.04 THEN 'Refunded' WHEN random() < 0.1 THEN 'Paid' ELSE 'Delivered' END,
               '', {placed}, %s + floor(power(random(), 2) * (%s - %s + 1))::bigint, true
           FROM generate_series(%s, %s) g""",  # noqa: S608 -- placed is one of this module's constants
        [prefix, first_user, last_user, first_user, start + 1, start + count],
    )
    # Three lines an order: a family, a colour (five, one of them dear to make) and a size (three).
    cursor.execute(
        """INSERT INTO order_line (order_id, partner_name, partner_sku, partner_line_reference, partner_line_notes,
               title, quantity, line_price_incl_tax, line_price_excl_tax, line_price_before_discounts_incl_tax,
               line_price_before_discounts_excl_tax, status, num_allocated, allocation_cancelled)
           SELECT o.id, 'Atelier', 'BENCH', '', '', 'Bench ' || n, q, round(p * 1.2, 2), p,
               round((p + d) * 1.2, 2), p + d, '', 0, false
           FROM order_order o
           CROSS JOIN generate_series(1, 3) n
           CROSS JOIN LATERAL (SELECT 1 + floor(random() * 3)::int AS q) qq
           CROSS JOIN LATERAL (SELECT round((q * (18 + random() * 40))::numeric, 2) AS p,
                                      CASE WHEN random() < 0.2 THEN round((q * 2)::numeric, 2) ELSE 0 END AS d) pp
           WHERE o.number LIKE %s AND o.id > %s""",
        [f"{prefix}%", floor],
    )
    cursor.execute(
        """INSERT INTO value_analytics_linecost (line_id, order_id, quantity, currency, family_slug, family_version,
               materials_per_unit, materials, labour_minutes, labour_per_unit, labour, problem, computed_at,
               actual_labour_per_unit, actual_labour)
           SELECT l.id, l.order_id, l.quantity, 'GBP', f.slug, 1, 5.20 + c.cost + s.cost,
               jsonb_build_array(
                   jsonb_build_object('option', 'base', 'value', null, 'cost', '5.20', 'price', '18.00'),
                   jsonb_build_object('option', 'colour', 'value', c.name, 'cost', c.cost::text, 'price', '4.00'),
                   jsonb_build_object('option', 'size', 'value', s.name, 'cost', s.cost::text, 'price', s.price::text)),
               12 * l.quantity, 2.95, '[]'::jsonb,
               CASE WHEN random() < 0.02 THEN 'the family has no routing' ELSE '' END,
               o.date_placed, CASE WHEN random() < 0.5 THEN 2.50 END, '[]'::jsonb
           FROM order_line l
           JOIN order_order o ON o.id = l.order_id
           CROSS JOIN LATERAL (SELECT (ARRAY[%s, %s, %s, %s, %s])[1 + (l.id %% 5)] AS slug) f
           CROSS JOIN LATERAL (SELECT (ARRAY['clay', 'ink', 'moss', 'sand', 'gold'])[1 + (l.id / 5 %% 5)] AS name,
                                      (ARRAY[1.40, 1.10, 1.20, 1.30, 6.80])[1 + (l.id / 5 %% 5)] AS cost) c
           CROSS JOIN LATERAL (SELECT (ARRAY['s', 'm', 'l'])[1 + (l.id / 25 %% 3)] AS name,
                                      (ARRAY[0.00, 0.40, 0.90])[1 + (l.id / 25 %% 3)] AS cost,
                                      (ARRAY[0, 2, 5])[1 + (l.id / 25 %% 3)] AS price) s
           WHERE o.number LIKE %s AND o.id > %s""",
        [*FAMILIES, f"{prefix}%", floor],
    )
    cursor.execute(
        """UPDATE order_order o SET total_excl_tax = t.excl, total_incl_tax = t.incl
           FROM (SELECT order_id, SUM(line_price_excl_tax) AS excl, SUM(line_price_incl_tax) AS incl
                 FROM order_line WHERE order_id > %s GROUP BY order_id) t
           WHERE t.order_id = o.id AND o.number LIKE %s""",
        [floor, f"{prefix}%"],
    )
    cursor.execute("SELECT id FROM payment_sourcetype WHERE code = 'bench'")
    source_type = cursor.fetchone()[0]
    cursor.execute(
        """INSERT INTO payment_source (order_id, source_type_id, currency, amount_allocated, amount_debited,
               amount_refunded, reference, label)
           SELECT id, %s, 'GBP', total_incl_tax, total_incl_tax, round(total_incl_tax * 0.5, 2), '', ''
           FROM order_order WHERE number LIKE %s AND id > %s AND status = 'Refunded'""",
        [source_type, f"{prefix}%", floor],
    )
    cursor.execute(
        """INSERT INTO loyalty_pointshold (account_id, basket_id, order_number, points, amount, restored_points,
               lots, status, created)
           SELECT a.id, o.id, o.number, 500, 5.00, 0, '[]'::jsonb, 'spent', o.date_placed
           FROM order_order o JOIN loyalty_loyaltyaccount a ON a.user_id = o.user_id
           WHERE o.number LIKE %s AND o.id > %s AND o.id %% 20 = 0""",
        [f"{prefix}%", floor],
    )


def remove_generated(cursor, prefix):
    cursor.execute(
        "DELETE FROM loyalty_pointshold WHERE order_number IN (SELECT number FROM order_order WHERE number LIKE %s)",
        [f"{prefix}%"],
    )
    for table in ("value_analytics_linecost", "order_line", "payment_source"):
        cursor.execute(
            f"DELETE FROM {table} WHERE order_id IN (SELECT id FROM order_order WHERE number LIKE %s)",  # noqa: S608
            [f"{prefix}%"],
        )
    cursor.execute("DELETE FROM order_order WHERE number LIKE %s", [f"{prefix}%"])


def generate(customers, orders):
    """Customers, accounts, orders, lines, costs, points and refunds, set-based (not timed)."""
    tiers = list(Tier.objects.values_list("pk", flat=True))
    with connection.cursor() as cursor:
        # Generated rows are consistent by construction: skip the per-row foreign-key triggers.
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("SET work_mem = '256MB'")
        log("removing earlier generated data…")
        remove_generated(cursor, "R")
        remove_generated(cursor, "I")
        cursor.execute(
            "DELETE FROM loyalty_loyaltyaccount WHERE user_id IN "
            "(SELECT id FROM users_user WHERE email LIKE 'r%%@bench.example')"
        )
        cursor.execute("DELETE FROM users_user WHERE email LIKE 'r%%@bench.example'")
        cursor.execute(
            "INSERT INTO payment_sourcetype (name, code) SELECT 'Bench card', 'bench' "
            "WHERE NOT EXISTS (SELECT 1 FROM payment_sourcetype WHERE code = 'bench')"
        )
        log(f"generating {customers:,} customers and their loyalty accounts…")
        cursor.execute(
            """INSERT INTO users_user (password, is_superuser, email, first_name, last_name, is_staff, is_active,
                   date_joined, time_zone)
               SELECT '!', false, 'r' || g || '@bench.example', 'Customer', 'No ' || g, false, true,
                   now() - (random() * interval '1200 days'), 'Europe/London'
               FROM generate_series(1, %s) g""",
            [customers],
        )
        cursor.execute(
            """INSERT INTO loyalty_loyaltyaccount (user_id, available, pending, tier_id, segment, value_class,
                   spend_12m, created)
               SELECT id, 0, 0, (%s::bigint[])[1 + (id %% %s)],
                   (ARRAY['champions', 'loyal', 'at_risk', 'hibernating', 'new'])[1 + (id / 7 %% 5)],
                   'ordinary', 0, now()
               FROM users_user WHERE email LIKE 'r%%@bench.example'""",
            [tiers, len(tiers)],
        )
        cursor.execute("SELECT MIN(id), MAX(id) FROM users_user WHERE email LIKE 'r%%@bench.example'")
        first, last = cursor.fetchone()
        # Loading is faster into tables without their secondary indexes; they are built once at the end.
        dropped = {
            table: _without_indexes(cursor, table)
            for table in ("order_order", "order_line", "value_analytics_linecost", "payment_source")
        }
        step = 250_000
        for start in range(0, orders, step):
            count = min(step, orders - start)
            # Three years up to the day before yesterday (yesterday is the increment's day).
            placed = "date_trunc('day', now()) - interval '1 day' - (power(random(), 1.6) * interval '1094 days')"
            _insert_orders(cursor, prefix="R", first_user=first, last_user=last, start=start, count=count,
                           placed=placed)  # fmt: skip
            log(f"  orders, lines, costs: {start + count:,}/{orders:,}")
        log("building the indexes…")
        for definitions in dropped.values():
            for definition in definitions:
                cursor.execute(definition)
        cursor.execute("SET session_replication_role = DEFAULT")
        for table in ("order_order", "order_line", "value_analytics_linecost", "payment_source",
                      "loyalty_pointshold", "loyalty_loyaltyaccount", "users_user"):  # fmt: skip
            cursor.execute(f"VACUUM ANALYZE {table}")


def add_yesterday(orders_per_day):
    """One day's orders more, placed yesterday (shop time), as the nightly run finds them."""
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        remove_generated(cursor, "I")
        cursor.execute("SELECT MIN(id), MAX(id) FROM users_user WHERE email LIKE 'r%%@bench.example'")
        first, last = cursor.fetchone()
        placed = "date_trunc('day', now()) - interval '1 day' + interval '8 hours' + random() * interval '12 hours'"
        _insert_orders(cursor, prefix="I", first_user=first, last_user=last, start=0, count=orders_per_day,
                       placed=placed)  # fmt: skip
        # Costs frozen now, as order_paid does.
        cursor.execute(
            "UPDATE value_analytics_linecost SET computed_at = now() "
            "WHERE order_id IN (SELECT id FROM order_order WHERE number LIKE 'I%%')"
        )
        cursor.execute("SET session_replication_role = DEFAULT")
        cursor.execute("ANALYZE order_order")


def roll_up_in_a_process(*options):
    """`manage.py analytics_rollup` in a process of its own, as beat's worker runs the code: (the
    run's RollupRun, the process's peak resident memory in MB, and how much of it was there before
    the roll-up began: Django, Oscar and Wagtail loaded). The command says both (--memory)."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "analytics_rollup", "--no-progress", "--memory", *options],
        check=True,
        env=os.environ,
        stdout=subprocess.PIPE,
        text=True,
    )
    said = re.search(r"Peak memory ([\d.]+) MB, of which ([\d.]+) MB", done.stdout)
    return RollupRun.objects.filter(finished_at__isnull=False).latest(), float(said[1]), float(said[2])


def staff_client():
    user, _ = get_user_model().objects.get_or_create(
        email="bench-analyst@example.com", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(user)
    return client


def page_ms(client, query, *, repeat=REPEAT):
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(PAGE, query)
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{PAGE} answered {response.status_code}")
    return statistics.median(times)


def raw_page_ms(client, query, *, repeat):
    """The same page computed from raw orders on request: the view's selectors swapped for the raw ones."""
    rolled = views.rollups
    # As the page did before the roll-ups: every customer's contribution computed, the lowest shown.
    views.rollups = SimpleNamespace(
        one_read=nullcontext,
        margin_by_family=margins.margin_by_family,
        margin_by_month=margins.margin_by_month,
        margin_by_option=margins.margin_by_option,
        contributions=lambda period, lowest=None, **kwargs: margins.contributions(period, **kwargs),
    )
    try:
        return page_ms(client, query, repeat=repeat)
    finally:
        views.rollups = rolled


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (about a minute)")
    parser.add_argument("--regenerate", action="store_true", help="generate the data again")
    parser.add_argument(
        "--parts",
        default=",".join(PARTS),
        help=f"what to measure, of {','.join(PARTS)} (default: all); the others read the database as it is",
    )
    args = parser.parse_args()
    parts = set(args.parts.split(","))
    if not parts <= set(PARTS):
        parser.error(f"--parts takes {', '.join(PARTS)}")
    if connection.vendor != "postgresql":
        raise SystemExit("This benchmark needs PostgreSQL (DATABASE_URL).")
    customers, orders = (10_000, 50_000) if args.quick else (1_000_000, 5_000_000)
    prepare_schema()
    if args.regenerate or generated_counts() != (customers, orders):
        started = time.perf_counter()
        generate(customers, orders)
        log(f"generated in {time.perf_counter() - started:.0f} s (not part of the measure)")
    else:
        log(f"reusing {customers:,} customers and {orders:,} orders (--regenerate to make them again)")
    with connection.cursor() as cursor:
        if parts & {"build", "increment"}:
            cursor.execute("SET session_replication_role = replica")
            remove_generated(cursor, "I")
            cursor.execute("SET session_replication_role = DEFAULT")
        cursor.execute("SELECT COUNT(*) FROM order_line")
        lines = cursor.fetchone()[0]

    today = timezone.localdate()
    build = increment = None
    peaks = []  # (peak, loaded) of each roll-up process
    if "build" in parts:
        log("1. full roll-up (manage.py analytics_rollup --full, a process of its own)…")
        build, build_peak, build_loaded = roll_up_in_a_process("--full")
        peaks.append((build_peak, build_loaded))
        log(
            f"   {build.days:,} days in {build.seconds:.1f} s, failed: {build.failed_days or 'none'}; "
            f"peak {build_peak:.0f} MB, {build_loaded:.0f} MB of it before the roll-up began"
        )

    if "increment" in parts:
        per_day = max(1, orders // 1095)
        log(f"2. one day more: {per_day:,} orders placed yesterday, then the nightly incremental run…")
        add_yesterday(per_day)
        increment, increment_peak, increment_loaded = roll_up_in_a_process()
        peaks.append((increment_peak, increment_loaded))
        log(f"   {increment.days} day(s) in {increment.seconds:.2f} s; peak {increment_peak:.0f} MB")
    peak_mb, loaded_mb = max(peaks) if peaks else (None, None)
    rollup_mb = max(peak - loaded for peak, loaded in peaks) if peaks else None

    client = staff_client()
    last_year = {"start": (today - timedelta(days=364)).isoformat(), "end": today.isoformat()}
    month = {"start": (today - timedelta(days=29)).isoformat(), "end": today.isoformat()}
    # The family's page last, once at full size: its contributions are read from raw orders (the
    # roll-ups do not keep an order's families), minutes at a million customers.
    pages = {
        "12_months": last_year,
        "30_days": month,
        "12_months_one_family": {**last_year, "family": FAMILIES[0]},
    }
    if "pages" not in parts:
        pages = {name: query for name, query in pages.items() if "family" in query}
    if "family" not in parts:
        pages = {name: query for name, query in pages.items() if "family" not in query}
    rolled = {}
    if pages:
        log(f"3. dashboard pages from the roll-ups (median of {REPEAT})…")
        client.get(PAGE, month)  # warm the template and connection
        for name, query in pages.items():
            rolled[name] = page_ms(client, query, repeat=1 if "family" in query and not args.quick else REPEAT)
            log(f"   {name}: {rolled[name]:.0f} ms")
    raw_month = raw_year = None
    if "raw" in parts:
        log("4. the 30-day page from raw orders on request…")
        raw_month = raw_page_ms(client, month, repeat=3 if args.quick else 1)
        log(f"   {raw_month:.0f} ms")
        if args.quick:
            raw_year = raw_page_ms(client, last_year, repeat=3)
            log(f"   the 12-month page from raw orders: {raw_year:.0f} ms")
    ratio = raw_month / rolled["30_days"] if raw_month and rolled else None
    figures = {
        "build_s": round(build.seconds, 2) if build else None,
        "build_failed_days": build.failed_days if build else None,
        "increment_s": round(increment.seconds, 2) if increment else None,
        "increment_days": increment.days if increment else None,
        "page_median_ms": round(max(rolled.values()), 1) if rolled else None,
        "pages_ms": {name: round(ms, 1) for name, ms in rolled.items()},
        "peak_mb": round(peak_mb, 1) if peaks else None,
        "loaded_mb": round(loaded_mb, 1) if peaks else None,
        "rollup_mb": round(rollup_mb, 1) if peaks else None,
        "raw_30_days_ms": round(raw_month, 1) if raw_month else None,
        "raw_12_months_ms": round(raw_year, 1) if raw_year is not None else None,
        "raw_12m_estimate_ms": round(raw_month * 365 / 30, 1) if raw_month and raw_year is None else None,
        "ratio": round(ratio, 1) if ratio else None,
        "ratio_of": "the 30-day page: raw orders on request / roll-ups, same run",
        "customers": customers,
        "orders": orders,
        "lines": lines,
        "days_built": build.days if build else None,
        "parts": sorted(parts, key=PARTS.index),
        "quick": args.quick,
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
