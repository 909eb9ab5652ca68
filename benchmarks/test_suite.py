"""How long the test suite takes to answer, on SQLite (the embedded profile).

    python benchmarks/test_suite.py [--quick] [--module tests/hub/test_timeline.py] [--workers auto]

Each step runs pytest in a subprocess with a var folder of its own (TEST_VAR_DIR), so nothing
of a developer's own runs is reused or disturbed:

1. `cold_module_s`: one module in a fresh var folder, the template databases built first
   (every migration, then the demo): what every run cost before the templates, the baseline.
2. `warm_module_s`: the same module again, the templates reused: a developer's next run.
   `ratio` = warm / cold (below 1: faster).
3. `fast_s`: `make test-fast`'s selection (no browser, no worker-process tests), in parallel.
4. `full_s`: the whole suite as `make test` runs it (skipped with --quick).

Wall-clock seconds of the whole pytest process, start-up included. Progress on stderr; the
last stdout line is one JSON object.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTEST = [str(ROOT / ".venv" / "bin" / "pytest"), "-q", "-p", "no:randomly"]

parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("--quick", action="store_true", help="skip the whole-suite run")
parser.add_argument("--module", default="tests/hub/test_timeline.py")
parser.add_argument("--workers", default="auto", help="pytest-xdist processes for the parallel runs")
args = parser.parse_args()


def run(label, argv, var_dir):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CELERY_BROKER_URL")}
    env.update(TEST_VAR_DIR=str(var_dir), PYTHONDONTWRITEBYTECODE="")
    print(f"{label}: pytest {' '.join(argv)}", file=sys.stderr, flush=True)
    started = time.perf_counter()
    result = subprocess.run([*PYTEST, *argv], cwd=ROOT, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    summary = (result.stdout.strip().splitlines() or ["(no output)"])[-1]
    print(f"  {seconds:.1f} s  {summary}", file=sys.stderr, flush=True)
    if result.returncode != 0:
        print(result.stdout[-4000:], result.stderr[-2000:], file=sys.stderr)
        sys.exit(f"{label} failed")
    return round(seconds, 1), summary


with tempfile.TemporaryDirectory(prefix="atelier-test-bench-") as var:
    parallel = ["-n", args.workers, "--dist", "worksteal"]
    cold, _ = run("cold module (templates built)", [args.module], var)
    warm, module_summary = run("warm module", [args.module], var)
    fast, fast_summary = run("test-fast", [*parallel, "-m", "not browser and not integration"], var)
    figures = {
        "module": args.module,
        "module_tests": module_summary,
        "cold_module_s": cold,
        "warm_module_s": warm,
        "fast_s": fast,
        "fast_tests": fast_summary,
    }
    if not args.quick:
        figures["full_s"], figures["full_tests"] = run("whole suite", parallel, var)
    figures["ratio"] = round(warm / cold, 3)
print(json.dumps(figures))
