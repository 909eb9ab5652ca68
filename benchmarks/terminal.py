"""Benchmark the shop-floor terminal's scan-to-screen (#21: "under 300 ms server time").

    python benchmarks/terminal.py [--quick]

A traveler code typed (or read from the QR code) at a work center: the scan request, which finds
the work order's operation there and redirects, and the operation page it opens (specification
in words, what the choices change at the step), both through Django's full stack (middleware,
session, permissions, templates), timed together. The demo factory gets generated work orders
(copies of the demo sofa's, 500; 100 with --quick) so the queue and the tables are not tiny.
The baseline, measured in the same run, is the terminal's simplest page (/floor/, the list of
work centers): `ratio` = scan-to-screen / that page.

Runs in-process on a private SQLite database under var/bench. Last stdout line: one JSON object.
"""

import argparse
import json
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.lib.embedded import use_private_sqlite  # noqa: E402

use_private_sqlite("terminal")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from production.models import Alternative, Operation, WorkOrder  # noqa: E402

KEY = "bench-terminal-"


def log(message):
    print(f"[terminal] {message}", file=sys.stderr, flush=True)


def generated_work_orders(count):
    """`count` copies of the demo sofa's work order (remakes, so the one-release-per-line rule
    holds), their operations planned over the coming weeks at the sofa's work centers."""
    have = WorkOrder.objects.filter(remake_key__startswith=KEY).count()
    sofa = WorkOrder.objects.get(order__number="DEMO-2002", family_slug="modular-sofa", kind=WorkOrder.ORDER)
    operations = list(sofa.operations.prefetch_related("alternatives"))
    if have < count:
        log(f"generating {count - have} work orders…")
        fields = {f.name: getattr(sofa, f.name) for f in WorkOrder._meta.concrete_fields if f.name not in ("id",)}
        made = WorkOrder.objects.bulk_create(
            WorkOrder(**{**fields, "kind": WorkOrder.REMAKE, "remake_key": f"{KEY}{index}", "origin": "benchmark"})
            for index in range(have, count)
        )
        made = list(WorkOrder.objects.filter(remake_key__in=[w.remake_key for w in made]))
        new_ops = []
        for index, work_order in enumerate(made):
            for op in operations:
                new_ops.append(
                    Operation(
                        work_order=work_order,
                        sequence=op.sequence,
                        code=op.code,
                        name=op.name,
                        work_center_id=op.work_center_id,
                        planned_start=(op.planned_start or sofa.released_at) + timedelta(minutes=37 * index),
                        planned_end=(op.planned_end or sofa.released_at) + timedelta(minutes=37 * index),
                    )
                )
        Operation.objects.bulk_create(new_ops, batch_size=500)
        by_key = {(o.work_order_id, o.code): o for o in Operation.objects.filter(work_order__in=made)}
        Alternative.objects.bulk_create(
            (
                Alternative(
                    operation=by_key[(w.pk, op.code)],
                    work_center_id=alt.work_center_id,
                    minutes=alt.minutes,
                    setup=alt.setup,
                )
                for w in made
                for op in operations
                for alt in op.alternatives.all()
            ),
            batch_size=500,
        )
    return list(WorkOrder.objects.filter(remake_key__startswith=KEY).values_list("pk", flat=True))[:count], operations


def timed(function, runs):
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100 work orders, fewer runs")
    args = parser.parse_args()
    log("preparing the private database (migrate, demo shop)…")
    call_command("migrate", "--no-input", verbosity=0)
    call_command("load_demo", "--no-progress", stdout=open(os.devnull, "w"))  # noqa: SIM115
    count, runs = (100, 30) if args.quick else (500, 100)
    pks, operations = generated_work_orders(count)
    centers = {op.code: op.work_center.code for op in operations if op.work_center_id}

    client = Client()
    client.force_login(get_user_model().objects.get(email="operator@atelier.example"))
    chooser = random.Random(21)

    def scan():
        code, center = chooser.choice(pks), chooser.choice(list(centers.values()))
        answer = client.get(f"/floor/{center}/", {"code": f"ATELIER WO-{code:05d}"})
        if answer.status_code != 302:
            raise RuntimeError(f"scan did not open an operation: {answer.status_code}")
        if client.get(answer["Location"]).status_code != 200:
            raise RuntimeError("the operation page did not open")

    def home():
        if client.get("/floor/").status_code != 200:
            raise RuntimeError("/floor/ did not answer")

    timed(scan, 5)  # warm: templates compiled, the session read once
    timed(home, 5)
    log(f"timing {runs} scans of {count} work orders and {runs} of /floor/…")
    scans = sorted(timed(scan, runs))
    homes = timed(home, runs)
    scan_ms, home_ms = statistics.median(scans), statistics.median(homes)
    result = {
        "work_orders": count,
        "scan_median_ms": round(scan_ms, 1),
        "scan_p95_ms": round(scans[int(0.95 * (len(scans) - 1))], 1),
        "baseline_ms": round(home_ms, 1),
        "ratio": round(scan_ms / home_ms, 2),
    }
    log(
        f"scan-to-screen {result['scan_median_ms']} ms median ({result['ratio']}x /floor/), "
        f"p95 {result['scan_p95_ms']} ms"
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
