"""Benchmark the configurator: the engine in-process, then the live update over HTTP.

    python benchmarks/configurator.py [--quick] [--port N] [--bare-port N] [--bench-dir DIR]

1. Engine: runs benchmarks/configurator_engine.py (60 options, 300 rules; evaluate with the
   availability of every choice, then quote) against the naive evaluator in the same run.
2. HTTP: serves the demo shop with gunicorn on a private SQLite database and sends the live
   configurator's request (POST /configure/<family>/quote/, which returns price, rule
   messages, availability and the SVG preview) from 20 concurrent clients. Clients are
   measured twice: as shoppers (a pause of 150-350 ms between changes, like clicks and the
   page's 250 ms typing debounce) and saturated (no pause at all, the worst case).
3. Baseline: a bare Django JSON view (benchmarks/lib/bare_django.py) under the same gunicorn
   with the same workers, loaded by the same 20 saturating clients with the same request
   bodies; `http_ratio` = the quote endpoint's saturated req/s / the bare view's (higher is
   better). Each run's clients are made (the quote clients fetch the page for their CSRF
   cookie) before its clock starts, so both runs time only the POSTs they count.

--port / --bare-port pin the two servers' ports (default: any free one); --bench-dir keeps the
private database elsewhere than var/bench, for two runs at once on one machine.

Progress goes to stderr; the last line on stdout is one JSON object.
"""

import argparse
import http.client
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
FAMILIES = {
    "atelier-fridge": {
        "hinge": ["left", "right"],
        "finish": ["sage", "ink", "clay", "cream", "steel", "black"],
        "capacity": ["300", "380", "450"],
        "ice_maker": ["true", "false"],
        "water_kit": ["true", "false"],
        "layout": ["classic", "chef", "wine"],
        "country": ["gb", "fr", "us"],
    },
    "modular-sofa": {
        "modules": ["2", "3", "4", "5"],
        "width": ["200", "240", "280", "320"],
        "depth": ["85", "95", "105"],
        "chaise": ["none", "left", "right"],
        "fabric": ["oatmeal", "moss", "rust", "velvet"],
    },
    "printed-tee": {
        "colour": ["white", "black", "navy", "sage"],
        "print_text": ["Made for you", "Team Atelier", "Hello"],
        "position": ["front", "back", "both"],
        "quantity": ["1", "10", "30"],
    },
}


def log(message):
    print(message, file=sys.stderr, flush=True)


def engine_figures(quick):
    log("engine: evaluate + quote against the naive evaluator…")
    args = [PYTHON, str(ROOT / "benchmarks" / "configurator_engine.py")] + (["--quick"] if quick else [])
    result = subprocess.run(args, capture_output=True, text=True, check=False, cwd=ROOT)
    sys.stderr.write(result.stderr)
    return json.loads(result.stdout.strip().splitlines()[-1])


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare_database(env):
    log("http: migrating and loading the demo shop into a private database…")
    for command in (["migrate", "--no-input", "-v", "0"], ["load_demo", "--no-progress"]):
        subprocess.run([PYTHON, "manage.py", *command], cwd=ROOT, env=env, check=True, capture_output=True)


def start_server(env, port, workers, app="portal.wsgi:application"):
    server = subprocess.Popen(
        [
            PYTHON, "-m", "gunicorn", app, "--bind", f"127.0.0.1:{port}",
            "--workers", str(workers), "--threads", "1", "--log-level", "warning",
        ],
        cwd=ROOT, env=env,
    )  # fmt: skip
    # Four workers loading Django take well over a minute when other runs share the two cores.
    deadline = time.monotonic() + 300
    status = None
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz")
            status = connection.getresponse().status
            if status == 200:
                return server
            time.sleep(1)
        except OSError:
            time.sleep(0.5)
    server.kill()
    raise SystemExit(f"gunicorn did not start ({app}; last /healthz status: {status})")


def stop_server(server):
    """Stop gunicorn gracefully (its workers finish their request), killing it if that hangs."""
    server.terminate()
    try:
        server.wait(timeout=60)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


class Client:
    """One shopper with a session: takes the CSRF cookie, then sends quote requests."""

    def __init__(self, port, family, seed):
        self.port, self.family, self.random = port, family, random.Random(seed)
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        self.connection.request("GET", f"/configure/{family}/")
        response = self.connection.getresponse()
        response.read()
        cookie = response.getheader("Set-Cookie") or ""
        self.csrf = re.search(r"csrftoken=([^;]+)", cookie).group(1)
        self.values = {code: choices[0] for code, choices in FAMILIES[family].items()}

    def change_one_option(self):
        code = self.random.choice(list(FAMILIES[self.family]))
        self.values[code] = self.random.choice(FAMILIES[self.family][code])
        body = urlencode({**self.values, "csrfmiddlewaretoken": self.csrf})
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={self.csrf}",
            "X-CSRFToken": self.csrf,
            "Referer": f"http://127.0.0.1:{self.port}/configure/{self.family}/",
        }
        started = time.perf_counter()
        self.connection.request("POST", f"/configure/{self.family}/quote/", body=body, headers=headers)
        response = self.connection.getresponse()
        payload = response.read()
        elapsed = (time.perf_counter() - started) * 1000
        if response.status != 200 or b'"quote_html"' not in payload:
            raise RuntimeError(f"quote failed: {response.status} {payload[:200]!r}")
        return elapsed


class BareClient(Client):
    """The same requests (same body, same connection reuse) to the bare Django JSON view."""

    def __init__(self, port, family, seed):
        self.port, self.family, self.random = port, family, random.Random(seed)
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        self.csrf = "x" * 32
        self.values = {code: choices[0] for code, choices in FAMILIES[family].items()}

    def change_one_option(self):
        code = self.random.choice(list(FAMILIES[self.family]))
        self.values[code] = self.random.choice(FAMILIES[self.family][code])
        body = urlencode({**self.values, "csrfmiddlewaretoken": self.csrf})
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={self.csrf}"}
        started = time.perf_counter()
        self.connection.request("POST", f"/configure/{self.family}/quote/", body=body, headers=headers)
        response = self.connection.getresponse()
        payload = response.read()
        elapsed = (time.perf_counter() - started) * 1000
        if response.status != 200 or b'"ok"' not in payload:
            raise RuntimeError(f"bare view failed: {response.status} {payload[:200]!r}")
        return elapsed


def load(port, *, clients, seconds, think, client_class=Client):
    timings, errors = [], []
    lock = threading.Lock()
    families = list(FAMILIES)
    # Every client is made before the clock starts: the quote's fetch their page (for the CSRF
    # cookie) and the bare view's fetch nothing, and neither run's window should hold that.
    made = []
    for index in range(clients):
        try:
            made.append((index, client_class(port, families[index % len(families)], seed=index)))
        except Exception as error:  # noqa: BLE001 -- counted and reported, not hidden
            errors.append(repr(error))
    stop = time.monotonic() + seconds

    def shopper(index, client):
        try:
            rnd = random.Random(1000 + index)
            while time.monotonic() < stop:
                elapsed = client.change_one_option()
                with lock:
                    timings.append(elapsed)
                if think:
                    time.sleep(rnd.uniform(*think))
        except Exception as error:  # noqa: BLE001 -- counted and reported, not hidden
            with lock:
                errors.append(repr(error))

    threads = [threading.Thread(target=shopper, args=(index, client)) for index, client in made]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return timings, errors


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def http_figures(quick, *, port=None, bare_port=None, bench_dir=None):
    bench_dir = Path(bench_dir) if bench_dir else ROOT / "var" / "bench"
    bench_dir.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.embedded",
        "DATABASE_URL": f"sqlite:///{bench_dir / 'configurator.sqlite3'}",
        "CELERY_TASK_ALWAYS_EAGER": "true",
        "DEBUG": "false",
        "LOG_LEVEL": "WARNING",
        # 20 clients from one address measure speed, not the per-address quote limit.
        "CONFIGURATOR_QUOTE_RATE": "1000000/m",
    }
    env.pop("CELERY_BROKER_URL", None)
    prepare_database(env)
    port = port or free_port()
    workers = (os.cpu_count() or 2) * 2
    server = start_server(env, port, workers)
    try:
        seconds = 8 if quick else 30
        load(port, clients=4, seconds=2, think=None)  # warm every worker's caches
        log(f"http: 20 shoppers for {seconds} s (150-350 ms between changes)…")
        shoppers, shopper_errors = load(port, clients=20, seconds=seconds, think=(0.15, 0.35))
        log(f"http: 20 saturating clients for {seconds} s (no pause)…")
        saturated, saturated_errors = load(port, clients=20, seconds=seconds, think=None)
    finally:
        stop_server(server)
    bare, bare_errors = bare_figures(env, workers, seconds, port=bare_port)
    saturated_rps = len(saturated) / seconds
    bare_rps = len(bare) / seconds
    return {
        "http_clients": 20,
        "http_workers": workers,
        "http_requests": len(shoppers),
        "http_median_ms": round(statistics.median(shoppers), 2),
        "http_p95_ms": round(percentile(shoppers, 0.95), 2),
        "http_rps": round(len(shoppers) / seconds, 1),
        "http_saturated_p95_ms": round(percentile(saturated, 0.95), 2),
        "http_saturated_rps": round(len(saturated) / seconds, 1),
        "http_bare_rps": round(bare_rps, 1),
        "http_bare_p95_ms": round(percentile(bare, 0.95), 2),
        "http_ratio": round(saturated_rps / bare_rps, 3),
        "http_errors": len(shopper_errors) + len(saturated_errors) + len(bare_errors),
    }


def bare_figures(env, workers, seconds, *, port=None):
    """The baseline: a bare Django JSON view (benchmarks/lib/bare_django.py) under the same
    gunicorn and worker count, loaded by the same 20 saturating clients with the same bodies."""
    port = port or free_port()
    server = start_server(env, port, workers, app="benchmarks.lib.bare_django:application")
    try:
        load(port, clients=4, seconds=2, think=None, client_class=BareClient)
        log(f"http: 20 saturating clients for {seconds} s against a bare Django JSON view…")
        return load(port, clients=20, seconds=seconds, think=None, client_class=BareClient)
    finally:
        stop_server(server)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer samples and shorter load")
    parser.add_argument("--port", type=int, help="the shop's gunicorn port (default: a free one)")
    parser.add_argument("--bare-port", type=int, help="the bare Django view's gunicorn port (default: a free one)")
    parser.add_argument("--bench-dir", help="folder of the private database (default: var/bench)")
    parser.add_argument("--http-only", action="store_true", help="skip the engine benchmark")
    args = parser.parse_args()
    engine = {} if args.http_only else engine_figures(args.quick)
    http = http_figures(args.quick, port=args.port, bare_port=args.bare_port, bench_dir=args.bench_dir)
    result = {
        "median_ms": engine.get("median_ms"),
        "p95_ms": engine.get("p95_ms"),
        "naive_median_ms": engine.get("naive_median_ms"),
        "ratio": engine.get("ratio"),
        "options": engine.get("options"),
        "rules": engine.get("rules"),
        **http,
    }
    log(
        f"engine median {result['median_ms']} ms ({result['ratio']}x the naive evaluator); "
        f"HTTP p95 {result['http_p95_ms']} ms for 20 shoppers, {result['http_saturated_p95_ms']} ms saturated; "
        f"saturated {result['http_saturated_rps']} req/s against the bare Django view's {result['http_bare_rps']} "
        f"({result['http_ratio']}x)"
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
