"""Benchmark the loyalty engine on PostgreSQL: concurrent redemptions and the nightly recompute.

    python benchmarks/loyalty.py [--quick] [--regenerate]

Database: DATABASE_URL, or postgres://postgres@127.0.0.1:5432/h_loyalty_bench (created and
migrated if needed).

1. Redemptions: 1,000 attempts to set 500 points aside, from 16 threads with a connection
   each, all against one account holding enough for half of them, through the real service
   (`loyalty.services.holds.hold_points`: row lock, balance check, ledger row, lots). Reports
   attempts per second and the overspend (points held beyond the balance; must be 0).
2. Nightly recompute: 1,000,000 customers with 5,000,000 orders over three years, generated
   with generate_series (not timed). Every account is reset to the first night's state
   (Member, no segment, no history), then `loyalty.recompute.recompute_all` (the code beat
   runs nightly) is timed, writes included. The baseline is the per-customer path
   (`recompute_customer`: the same rules through the ORM) on a sample of customers, scaled
   to the whole population, in the same run. ratio = baseline estimate / set-based time.

Progress on stderr; the last stdout line is one JSON object.
"""

import argparse
import json
import os
import sys
import time
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/h_loyalty_bench"
os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings.embedded"
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"
os.environ["LOG_LEVEL"] = "WARNING"

import django  # noqa: E402

from benchmarks.lib.postgres import ensure_database, log  # noqa: E402
from benchmarks.lib.races import race  # noqa: E402

ensure_database(os.environ["DATABASE_URL"])
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from loyalty import recompute  # noqa: E402
from loyalty.ledger import PointsRefused  # noqa: E402
from loyalty.models import LoyaltyAccount, PointsHold, ProgrammeRules, Tier  # noqa: E402
from loyalty.services.holds import hold_points  # noqa: E402
from loyalty.services.staff import adjust_points  # noqa: E402
from portal.demo import loyalty as demo_loyalty  # noqa: E402

POINTS_PER_ATTEMPT = 500


def prepare_schema():
    log("migrating (once)…")
    call_command("migrate", verbosity=0)
    demo_loyalty.load_tiers()
    ProgrammeRules.current()


# --- 1. Concurrent redemptions ----------------------------------------------------------------


def redemption_race(attempts, threads):
    from django.contrib.auth import get_user_model

    base = int(time.time() * 1000) * 10_000  # basket ids and the racer unique to this run
    user = get_user_model().objects.create_user(email=f"bench-racer-{base}@example.com")
    staff, _ = get_user_model().objects.get_or_create(email="bench-staff@example.com", defaults={"is_staff": True})
    balance = attempts // 2 * POINTS_PER_ATTEMPT
    adjust_points(user_id=user.pk, points=balance, reason="Benchmark balance", staff=staff)
    rules = ProgrammeRules.current()
    rules.min_redeem, rules.redeem_step = POINTS_PER_ATTEMPT, 100
    rules.save()

    def attempt(index):
        basket = SimpleNamespace(pk=base + index, total_incl_tax_excl_discounts=Decimal("100000"))
        hold_points(user=user, basket=basket, points=POINTS_PER_ATTEMPT)

    held, seconds = race(attempts, threads, attempt, PointsRefused, log_every=50)
    account = LoyaltyAccount.objects.get(user=user)
    spent = PointsHold.objects.filter(account=account, status="held", basket_id__gte=base).count() * POINTS_PER_ATTEMPT
    overspend = max(0, spent - balance) + max(0, -account.available)
    log(
        f"redemptions: {attempts} attempts in {seconds:.2f} s, {len(held)} held, balance {balance} → "
        f"{account.available}, overspend {overspend}"
    )
    return {"attempts": attempts, "held": len(held), "overspend": overspend, "attempts_per_s": attempts / seconds}


# --- 2. Nightly recompute ---------------------------------------------------------------------


def generated_counts():
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM users_user WHERE email LIKE 'c%%@bench.example'")
        customers = cursor.fetchone()[0]
        cursor.execute("SELECT COUNT(*) FROM order_order WHERE number LIKE 'B%%'")
        orders = cursor.fetchone()[0]
    return customers, orders


def generate(customers, orders):
    """Customers, their accounts and orders, set-based. Orders spread over three years."""
    member = Tier.objects.get(code="member").pk
    with connection.cursor() as cursor:
        # Generated rows are consistent by construction: skip the per-row foreign-key triggers.
        cursor.execute("SET session_replication_role = replica")
        log("removing earlier generated data…")
        cursor.execute("DELETE FROM order_order WHERE number LIKE 'B%%'")
        cursor.execute(
            "DELETE FROM loyalty_loyaltyaccount WHERE user_id IN "
            "(SELECT id FROM users_user WHERE email LIKE 'c%%@bench.example')"
        )
        cursor.execute("DELETE FROM users_user WHERE email LIKE 'c%%@bench.example'")
        log(f"generating {customers:,} customers…")
        cursor.execute(
            """INSERT INTO users_user (password, is_superuser, email, first_name, last_name, is_staff, is_active,
                   date_joined, time_zone)
               SELECT '!', false, 'c' || g || '@bench.example', 'Customer', 'No ' || g, false, true,
                   now() - (random() * interval '1200 days'), 'Europe/London'
               FROM generate_series(1, %s) g""",
            [customers],
        )
        cursor.execute(
            """INSERT INTO loyalty_loyaltyaccount (user_id, available, pending, tier_id, segment, spend_12m, created)
               SELECT id, 0, 0, %s, 'new', 0, now() FROM users_user WHERE email LIKE 'c%%@bench.example'""",
            [member],
        )
        cursor.execute("SELECT MIN(id), MAX(id) FROM users_user WHERE email LIKE 'c%%@bench.example'")
        first, last = cursor.fetchone()
        # Loading is faster into a table without its secondary indexes; they are built once at the end.
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'order_order' "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint)"
        )
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        log(f"generating {orders:,} orders (a few minutes at full size)…")
        step = 500_000
        for start in range(0, orders, step):
            count = min(step, orders - start)
            # Customers buy unevenly: squaring the uniform draw gives a long tail of frequent buyers.
            cursor.execute(
                """INSERT INTO order_order (number, currency, total_incl_tax, total_excl_tax, shipping_incl_tax,
                       shipping_excl_tax, shipping_method, shipping_code, status, guest_email, date_placed, user_id,
                       analytics_tracked)
                   SELECT 'B' || g, 'GBP', t, round(t / 1.2, 2), 0, 0, 'Standard', 'standard',
                       CASE WHEN random() < 0.04 THEN 'Refunded' WHEN random() < 0.1 THEN 'Paid' ELSE 'Delivered' END,
                       '', now() - (power(random(), 1.6) * interval '1095 days'),
                       %s + floor(power(random(), 2) * (%s - %s + 1))::bigint, true
                   FROM (SELECT g, round((15 + random() * random() * 900)::numeric, 2) AS t
                         FROM generate_series(%s, %s) g) s""",
                [first, last, first, start + 1, start + count],
            )
            log(f"  orders: {start + count:,}/{orders:,}")
        log("building the order indexes…")
        for _, definition in indexes:
            cursor.execute(definition)
        cursor.execute("SET session_replication_role = DEFAULT")
        # As autovacuum leaves a live database: statistics, and the visibility map that lets the
        # recompute read the covering index without visiting the orders.
        cursor.execute("VACUUM ANALYZE order_order")
        cursor.execute("VACUUM ANALYZE loyalty_loyaltyaccount")
        cursor.execute("VACUUM ANALYZE users_user")


def reset_first_night():
    """Every account back to before the first nightly run (not timed)."""
    member = Tier.objects.get(code="member").pk
    with connection.cursor() as cursor:
        cursor.execute(
            """UPDATE loyalty_loyaltyaccount SET tier_id = %s, segment = 'new', spend_12m = 0, downgrade_due_on = NULL
               WHERE tier_id IS DISTINCT FROM %s OR segment <> 'new' OR spend_12m <> 0
                  OR downgrade_due_on IS NOT NULL""",
            [member, member],
        )
        cursor.execute("TRUNCATE loyalty_segmenthistory, loyalty_tierchange")
        cursor.execute("DELETE FROM communication_notification")
        cursor.execute("VACUUM ANALYZE loyalty_loyaltyaccount")


def following_night(orders):
    """A day later: a day's worth of new orders, then the nightly job again (only changes written)."""
    from datetime import timedelta

    from django.utils import timezone

    daily = max(1, orders // 1095)
    with connection.cursor() as cursor:
        cursor.execute(
            """INSERT INTO order_order (number, currency, total_incl_tax, total_excl_tax, shipping_incl_tax,
                   shipping_excl_tax, shipping_method, shipping_code, status, guest_email, date_placed, user_id,
                   analytics_tracked)
               SELECT 'N' || row_number() OVER () || '-' || extract(epoch from now())::bigint, 'GBP', 120, 100,
                   0, 0, 'Standard', 'standard', 'Paid', '', now() + interval '12 hours', user_id, true
               FROM (SELECT user_id FROM loyalty_loyaltyaccount ORDER BY random() LIMIT %s) buyers""",
            [daily],
        )
    tomorrow = timezone.now() + timedelta(days=1)
    return recompute.recompute_all(now=tomorrow)


def per_customer_baseline(sample):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT user_id FROM loyalty_loyaltyaccount ORDER BY md5(user_id::text) LIMIT %s",
            [sample],
        )
        ids = [row[0] for row in cursor.fetchall()]
    started = time.perf_counter()
    for index, user_id in enumerate(ids, 1):
        recompute.recompute_customer(user_id=user_id)
        if index % 100 == 0:
            log(f"  per-customer baseline: {index}/{len(ids)}")
    return (time.perf_counter() - started) / len(ids), ids


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (a minute)")
    parser.add_argument("--regenerate", action="store_true", help="generate customers and orders again")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("This benchmark needs PostgreSQL (DATABASE_URL).")
    customers, orders, attempts, sample = (
        (20_000, 100_000, 200, 200) if args.quick else (1_000_000, 5_000_000, 1_000, 1_000)
    )
    prepare_schema()

    log(f"1. {attempts} concurrent redemption attempts against one account")
    race = redemption_race(attempts, threads=16)

    log(f"2. nightly recompute for {customers:,} customers, {orders:,} orders")
    if args.regenerate or generated_counts() != (customers, orders):
        started = time.perf_counter()
        generate(customers, orders)
        log(f"generated in {time.perf_counter() - started:.0f} s (not part of the measure)")
    log("resetting accounts to the first night…")
    reset_first_night()
    total_accounts = LoyaltyAccount.objects.count()

    log(f"baseline: the per-customer path on {sample} customers…")
    per_customer_s, sampled = per_customer_baseline(sample)
    # The sample goes back to the first night too, so the set-based run does the same work.
    LoyaltyAccount.objects.filter(user_id__in=sampled).update(
        tier=Tier.objects.get(code="member"), segment="new", spend_12m=0, downgrade_due_on=None
    )
    from loyalty.models import SegmentHistory, TierChange

    SegmentHistory.objects.filter(user_id__in=sampled).delete()
    TierChange.objects.filter(user_id__in=sampled).delete()

    log("set-based recompute (the nightly job's code)…")
    result = recompute.recompute_all()
    baseline_s = per_customer_s * result.customers
    ratio = baseline_s / result.seconds
    log(
        f"recompute: {result.customers:,} customers in {result.seconds:.1f} s "
        f"({result.tier_changes:,} tier changes, {result.segment_changes:,} segment rows); per-customer "
        f"{per_customer_s * 1000:.2f} ms each → {baseline_s:,.0f} s estimated; ratio {ratio:.0f}×"
    )
    log("the next night: one day's orders more (steady state)…")
    next_night = following_night(orders)
    log(
        f"next night: {next_night.customers:,} customers in {next_night.seconds:.1f} s "
        f"({next_night.tier_changes:,} tier changes, {next_night.segment_changes:,} segment rows)"
    )
    for step, seconds in result.steps.items():
        log(f"  {seconds:7.2f} s  {step}")
    with connection.cursor() as cursor:
        cursor.execute("SELECT segment, COUNT(*) FROM loyalty_loyaltyaccount GROUP BY segment ORDER BY 2 DESC")
        log("segments: " + ", ".join(f"{s} {n:,}" for s, n in cursor.fetchall()))
    print(
        json.dumps(
            {
                "overspend": race["overspend"],
                "attempts": race["attempts"],
                "held": race["held"],
                "attempts_per_s": round(race["attempts_per_s"], 1),
                "recompute_s": round(result.seconds, 2),
                "customers": result.customers,
                "accounts": total_accounts,
                "orders": orders,
                "tier_changes": result.tier_changes,
                "segment_rows": result.segment_changes,
                "next_night_s": round(next_night.seconds, 2),
                "per_customer_ms": round(per_customer_s * 1000, 3),
                "baseline_estimate_s": round(baseline_s, 1),
                "ratio": round(ratio, 1),
                "quick": args.quick,
            }
        )
    )


if __name__ == "__main__":
    main()
