"""Benchmark the daily reminder run on PostgreSQL and Redis with one real Celery worker.

    python benchmarks/reminders.py [--quick] [--customers N]
        [--database-url postgres://postgres@127.0.0.1:5432/h_reminders_bench]
        [--broker redis://127.0.0.1:6379/6]

1. Customers (1,000,000; --quick 20,000) are generated in SQL with generate_series: a birth
   date each (birthdays: about 1 in 365), an order for 30 % of them over the last 400 days (the
   ones placed 365-400 days ago are lapsed: win-back; those placed on this day last year have an
   anniversary), and 0.5 % an order shipped yesterday. Data generation is not timed.
2. The run, timed: every rule selects its candidates (one query per rule, `select_s`), send rows
   are inserted with ON CONFLICT DO NOTHING (`insert_s`: building and writing them), pending
   sends are handed out in chunks of 1,000 and enqueued on the `reminders` queue in Redis; one
   worker process (prefork, concurrency 1) delivers them into Oscar's notification inbox and the
   email outbox. `total_s` ends when no
   send is pending.
3. A second run, which must create and send nothing.
4. The baseline, in the same run: a sample of customers (1,000; --quick 500) delivered with one
   task per customer on the same worker. `ratio` = seconds per customer with chunks divided by
   seconds per customer with one task each (below 1: chunks are faster).

Memory: `peak_mb` is the growth of this process's peak RSS over the run (selection, inserts,
enqueueing); `worker_peak_mb` the worker's peak RSS growth while delivering.
Last stdout line: one JSON object. Progress on stderr.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("--quick", action="store_true", help="20,000 customers, a sample of 500")
parser.add_argument("--customers", type=int)
parser.add_argument("--sample", type=int)
parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/h_reminders_bench")
parser.add_argument("--broker", default="redis://127.0.0.1:6379/6")
args = parser.parse_args()
CUSTOMERS = args.customers or (20_000 if args.quick else 1_000_000)
SAMPLE = args.sample or (500 if args.quick else 1_000)

ENV = {
    "DJANGO_SETTINGS_MODULE": "portal.settings.embedded",
    "DATABASE_URL": args.database_url,
    "CELERY_BROKER_URL": args.broker,
    "CELERY_TASK_ALWAYS_EAGER": "false",
    "LOG_LEVEL": "WARNING",
    "EMAIL_URL": "consolemail://",
}
os.environ.update(ENV)

import django  # noqa: E402

from benchmarks.lib.postgres import ensure_database, log  # noqa: E402

ensure_database(args.database_url)
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from loyalty.reminders import tasks  # noqa: E402
from loyalty.reminders.models import ReminderRule, ReminderSend, Trigger  # noqa: E402
from loyalty.reminders.services import selection  # noqa: E402
from portal.celery import app as celery_app  # noqa: E402


def rss_peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def prepare_database():
    log("migrating the benchmark database…")
    call_command("migrate", verbosity=0, interactive=False)
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE users_user, reminders_reminderrule RESTART IDENTITY CASCADE")
    rules = {
        Trigger.BIRTHDAY: {},
        Trigger.ANNIVERSARY: {},
        Trigger.WIN_BACK: {"threshold": 365},
        Trigger.ORDER_SHIPPED: {"lookback_days": 3},
        Trigger.SURVEY: {"threshold": 5},
    }
    for trigger, fields in rules.items():
        # Quiet hours off: the benchmark measures throughput, not the clock it happens to run at.
        ReminderRule.objects.create(
            trigger=trigger, holdout_percent=10, weekly_cap=3, quiet_start="00:00", quiet_end="00:00", **fields
        )


def generate_customers(n):
    log(f"generating {n:,} customers and their orders in SQL…")
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO users_user (password, is_superuser, email, first_name, last_name, is_staff, is_active,
                                    date_joined, birth_date, time_zone)
            SELECT '!', false, 'customer' || g || '@bench.example', 'Customer' || g, '', false, true,
                   now() - interval '2 years', date '1950-01-01' + (g::bigint * 7919 %% 18250)::int,
                   (ARRAY['Europe/London', 'Europe/Paris', 'America/New_York', 'Asia/Tokyo'])[1 + g %% 4]
            FROM generate_series(1, %s) AS g
            """,
            [n],
        )
        # 30 % of customers ordered once, spread evenly over the last 400 days.
        cursor.execute(
            """
            INSERT INTO order_order (number, currency, total_incl_tax, total_excl_tax, shipping_incl_tax,
                                     shipping_excl_tax, shipping_method, shipping_code, status, guest_email,
                                     date_placed, user_id, analytics_tracked)
            SELECT 'B' || u.id, 'GBP', 120, 100, 0, 0, 'Standard', 'standard', 'Delivered', '',
                   now() - (((u.id / 10) * 7919 %% 400) || ' days')::interval - interval '1 hour', u.id, true
            FROM users_user u WHERE u.id %% 10 < 3
            """,
            [],
        )
        # 0.5 % of customers: an order shipped yesterday.
        cursor.execute(
            """
            INSERT INTO order_order (number, currency, total_incl_tax, total_excl_tax, shipping_incl_tax,
                                     shipping_excl_tax, shipping_method, shipping_code, status, guest_email,
                                     date_placed, user_id, analytics_tracked)
            SELECT 'S' || u.id, 'GBP', 120, 100, 0, 0, 'Standard', 'standard', 'Shipped', '',
                   now() - interval '6 days', u.id, true
            FROM users_user u WHERE u.id %% 200 = 7
            """,
            [],
        )
        cursor.execute(
            """
            INSERT INTO order_orderstatuschange (order_id, old_status, new_status, date_created)
            SELECT o.id, 'In production', 'Shipped', now() - interval '1 day'
            FROM order_order o WHERE o.number LIKE 'S%%'
            """,
            [],
        )
        # As on a live database (autovacuum): hint bits set and statistics fresh, so the timed run
        # does not pay for writing back pages that were bulk-loaded a moment ago.
        cursor.execute("VACUUM ANALYZE")
    log(f"  generated in {time.perf_counter() - started:.1f} s")


class Worker:
    def __init__(self):
        self.log_path = ROOT / "var" / "bench" / "reminders-worker.log"
        self.log_path.parent.mkdir(parents=True, exist_ok=True)

    def start(self):
        self.log = open(self.log_path, "w")  # noqa: SIM115 -- closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "portal", "worker", "-Q", "reminders", "--concurrency", "1",
             "--pool", "prefork", "--without-mingle", "--without-gossip", "--hostname", f"bench-{os.getpid()}@%h",
             "--loglevel", "WARNING"],
            cwd=ROOT, env={**os.environ, **ENV}, stdout=self.log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        # A worker loading Django takes over a minute when other runs share the two cores.
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            if celery_app.control.ping(timeout=0.5, destination=[f"bench-{os.getpid()}@{os.uname().nodename}"]):
                return self
            if self.process.poll() is not None:
                raise RuntimeError(self.log_path.read_text())
        raise RuntimeError("the worker did not answer within 300 s")

    def rss_mb(self):
        """Peak RSS of the worker's processes (the main one and its pool child), in MB."""
        total = 0
        pids = [self.process.pid, *self._children()]
        for pid in pids:
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except FileNotFoundError:
                continue
            for line in status.splitlines():
                if line.startswith("VmHWM:"):
                    total = max(total, int(line.split()[1]) / 1024)
        return total

    def _children(self):
        try:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text()
            return [int(p) for p in children.split()]
        except FileNotFoundError:
            return []

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


def wait_until_delivered(ids=None, timeout=1800):
    pending = ReminderSend.objects.filter(status=ReminderSend.Status.PENDING)
    if ids is not None:
        pending = pending.filter(id__in=ids)
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        left = pending.count()
        if left != last:
            log(f"  {left:,} sends pending")
            last = left
        if left == 0:
            return
        time.sleep(0.5)
    raise RuntimeError("delivery did not finish in time")


def main():
    import redis

    redis.Redis.from_url(args.broker).flushdb()  # our own Redis database: stale tasks of an aborted run
    prepare_database()
    generate_customers(CUSTOMERS)
    worker = Worker().start()
    try:
        worker_before = worker.rss_mb()
        rss_before = rss_peak_mb()
        log("run 1: selecting, inserting, enqueueing…")
        started = time.perf_counter()
        summary = selection.run_reminders()
        for ids in summary.chunks:
            tasks.deliver_reminders.delay(ids)
        enqueued_s = time.perf_counter() - started
        log(f"  selected {sum(summary.selected.values()):,} in {summary.select_seconds:.2f} s, "
            f"created {summary.created:,}, {len(summary.chunks)} chunks enqueued after {enqueued_s:.1f} s")  # fmt: skip
        wait_until_delivered()
        total_s = time.perf_counter() - started
        peak_mb = rss_peak_mb() - rss_before
        worker_peak_mb = worker.rss_mb() - worker_before
        sent = ReminderSend.objects.filter(status=ReminderSend.Status.SENT).count()
        per_customer_chunked = total_s / max(sent, 1)
        log(f"  delivered {sent:,} in {total_s:.1f} s")

        log("run 2: the same day again…")
        second = selection.run_reminders()
        for ids in second.chunks:
            tasks.deliver_reminders.delay(ids)
        second_sent = ReminderSend.objects.filter(status=ReminderSend.Status.SENT).count() - sent

        log(f"baseline: one task per customer for {SAMPLE:,} customers…")
        rule = ReminderRule.objects.get(trigger=Trigger.BIRTHDAY)
        now = timezone.now()
        sample_users = list(
            ReminderSend.objects.values_list("user_id", flat=True).distinct().order_by("user_id")[:SAMPLE]
        )
        window = {"created_at": now, "window_start": now, "window_end": now + selection.CONVERSION_WINDOW}
        ReminderSend.objects.bulk_create(
            [
                ReminderSend(rule=rule, user_id=u, dedupe_key=f"birthday:{u}:baseline", enqueued_at=now, **window)
                for u in sample_users
            ]
        )
        sample_ids = list(ReminderSend.objects.filter(dedupe_key__endswith=":baseline").values_list("id", flat=True))
        started = time.perf_counter()
        for send_id in sample_ids:
            tasks.deliver_reminders.delay([send_id])
        wait_until_delivered(sample_ids)
        per_customer_single = (time.perf_counter() - started) / len(sample_ids)
    finally:
        worker.stop()

    result = {
        "customers": CUSTOMERS,
        "selected": sum(summary.selected.values()),
        "selected_by_trigger": summary.selected,
        "select_s": round(summary.select_seconds, 2),
        "insert_s": round(summary.insert_seconds, 2),
        "sends_created": summary.created,
        "held_out": ReminderSend.objects.filter(status=ReminderSend.Status.HELD_OUT).count(),
        "sent": sent,
        "chunks": len(summary.chunks),
        "enqueued_s": round(enqueued_s, 2),
        "total_s": round(total_s, 1),
        "peak_mb": round(peak_mb, 1),
        "worker_peak_mb": round(worker_peak_mb, 1),
        "second_run_created": second.created,
        "second_run_sent": second_sent,
        "ms_per_customer_chunked": round(per_customer_chunked * 1000, 3),
        "ms_per_customer_one_task_each": round(per_customer_single * 1000, 3),
        "baseline_sample": len(sample_ids),
        "ratio": round(per_customer_chunked / per_customer_single, 3),
        "targets_met": {
            "select_s<=10": summary.select_seconds <= 10,
            "total_s<=300": total_s <= 300,
            "peak_mb<50": peak_mb < 50,
            "second_run_sends_nothing": second.created == 0 and second_sent == 0,
        },
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
