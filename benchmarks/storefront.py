"""Benchmark the storefront against stock django-oscar, both served the same way in one run.

    python benchmarks/storefront.py [--quick] [--ports 8740,8741] [--bench-dir DIR]

1. Stock Oscar: the installed django-oscar with the minimal settings of its documentation
   (benchmarks/lib/stock_oscar/), a private SQLite database built here with as many products
   as Atelier's demo shop has, each with a stock record and a category, and a customer.
2. Atelier: the demo shop (migrate + load_demo) in a private SQLite database, the storefront
   cache in a folder of its own so both gunicorn workers share it, as in production.
3. Both under gunicorn with the same settings (2 sync workers, 1 thread each), both left running;
   pages are loaded in turn, round after round, so a neighbour's load on this shared machine
   falls on every page alike. Each page is loaded by the same client: wrk when it is installed,
   otherwise an asyncio generator here (a new connection per request, as gunicorn's sync
   workers close each one), 8 connections, anonymous and signed in (the session cookie of a
   customer who signed in through the login form).
4. In-process, for one render of the stocked product page (the water filter) with the
   whole-page cache off: its queries and time, against stock Oscar's product page.

Every page's req/s is divided by stock Oscar's anonymous product page's in the same run.
Progress goes to stderr; the last line on stdout is one JSON object.
"""

import argparse
import asyncio
import http.cookiejar
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BENCH_DIR = ROOT / "var" / "bench"
WORKERS = 2
CONNECTIONS = 8
ATELIER_SHOPPER = ("ada@example.com", "atelier-shopper")
OSCAR_SHOPPER = ("shopper@example.com", "stock-oscar-shopper")
CONFIGURABLE_UPC = "ATL-FRIDGE"
STOCKED_UPC = "ATL-FILTER"


def log(message):
    print(message, file=sys.stderr, flush=True)


# --- The two shops ------------------------------------------------------------------------


def atelier_env():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.embedded",
        "DATABASE_URL": f"sqlite:///{BENCH_DIR / 'storefront.sqlite3'}",
        "STOREFRONT_CACHE_URL": f"filecache://{BENCH_DIR / 'storefront-cache'}",
        "CELERY_TASK_ALWAYS_EAGER": "true",
        "DEBUG": "false",
        "LOG_LEVEL": "WARNING",
    }
    for name in ("CELERY_BROKER_URL", "STRIPE_SECRET_KEY", "CACHE_URL"):
        env.pop(name, None)
    return env


def oscar_env():
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "benchmarks.lib.stock_oscar.settings",
        "STOCK_OSCAR_DATABASE": str(BENCH_DIR / "stock_oscar.sqlite3"),
        "STOCK_OSCAR_MEDIA": str(BENCH_DIR / "stock_oscar_media"),
        "PYTHONPATH": str(ROOT),
    }


def run(args, env):
    result = subprocess.run([PYTHON, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if result.returncode:
        raise SystemExit(f"{' '.join(args)} failed:\n{result.stderr[-4000:]}")
    return result.stdout


def inspect(shop, env, *extra):
    """Run this script's in-process part for a shop (`--inspect`) and return its JSON."""
    return json.loads(run([str(Path(__file__)), "--inspect", shop, *extra], env).strip().splitlines()[-1])


def prepare_atelier():
    log("atelier: migrating and loading the demo shop into a private database…")
    env = atelier_env()
    shutil.rmtree(BENCH_DIR / "storefront-cache", ignore_errors=True)
    run(["manage.py", "migrate", "--no-input", "-v", "0"], env)
    # One render of the page, not the whole-page cache's copy of it.
    rendering = {**env, "STOREFRONT_PAGE_CACHE_SECONDS": "0"}
    facts = inspect("atelier", rendering)
    if not facts["products"]:
        run(["manage.py", "load_demo", "--no-progress"], env)
        facts = inspect("atelier", rendering)
    return env, facts


def prepare_oscar(products):
    log(f"stock oscar: migrating and building {products} products…")
    env = oscar_env()
    run(["-m", "django", "migrate", "--no-input", "-v", "0"], env)
    return env, inspect("oscar", env, "--products", str(products))


# --- In-process: what one render costs ----------------------------------------------------


def in_process(shop, products):
    """Inside Django: build what is missing, then time one render of a stocked product page."""
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from oscar.core.loading import get_model

    setup_test_environment()  # the test client's ALLOWED_HOSTS and response.context
    settings.ALLOWED_HOSTS = ["*"]
    product_model = get_model("catalogue", "Product")
    if shop == "oscar":
        _build_stock_oscar(products)
        stocked = product_model.objects.filter(stockrecords__num_in_stock__gt=0).order_by("pk").first()
        configurable = stocked
    else:
        stocked = product_model.objects.filter(upc=STOCKED_UPC).first()
        configurable = product_model.objects.filter(upc=CONFIGURABLE_UPC).first()
    facts = {"products": product_model.objects.count()}
    if stocked is None:
        print(json.dumps(facts))
        return
    url = stocked.get_absolute_url()
    client = Client()
    client.get(url)  # warm: templates compiled, lazy imports done, data caches filled
    timings = []
    for _ in range(5):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = Client().get(url)
            timings.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    print(
        json.dumps(
            {
                **facts,
                "stocked_url": url,
                "configurable_url": configurable.get_absolute_url(),
                "catalogue_url": "/catalogue/",
                "home_url": "/",
                "stocked_queries": len(queries),
                "stocked_ms": round(statistics.median(timings), 2),
            }
        )
    )


def _build_stock_oscar(products):
    """As many standalone products as Atelier's demo, each stocked, priced and in a category."""
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from oscar.apps.catalogue.categories import create_from_breadcrumbs
    from oscar.core.loading import get_model

    product_model = get_model("catalogue", "Product")
    if product_model.objects.exists():
        return
    product_class = get_model("catalogue", "ProductClass").objects.create(name="Goods", track_stock=True)
    partner = get_model("partner", "Partner").objects.create(name="Stock partner")
    category = create_from_breadcrumbs("Kitchen > Spare parts")
    for index in range(products):
        product = product_model.objects.create(
            title=f"Stock product {index + 1}",
            upc=f"STOCK-{index + 1}",
            product_class=product_class,
            description="<p>A product of stock Oscar, with a price, stock and a category.</p>",
        )
        get_model("catalogue", "ProductCategory").objects.create(product=product, category=category)
        get_model("partner", "StockRecord").objects.create(
            product=product,
            partner=partner,
            partner_sku=f"STOCK-{index + 1}",
            price=Decimal("29.00"),
            price_currency="GBP",
            num_in_stock=250,
        )
    get_user_model().objects.create_user(
        username="shopper", email=OSCAR_SHOPPER[0], password=OSCAR_SHOPPER[1], first_name="Stock"
    )


# --- Serving ------------------------------------------------------------------------------


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(application, env, port, ready_path):
    server = subprocess.Popen(
        [
            PYTHON, "-m", "gunicorn", application, "--bind", f"127.0.0.1:{port}",
            "--workers", str(WORKERS), "--threads", "1", "--log-level", "warning",
        ],
        cwd=ROOT, env=env,
    )  # fmt: skip
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{ready_path}", timeout=5) as response:
                if response.status == 200:
                    return server
        except OSError:
            time.sleep(0.3)
    server.kill()
    raise SystemExit(f"gunicorn did not start {application}")


def sign_in(port, email, password):
    """Sign in through the login form like a browser; returns the Cookie header to send."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    base = f"http://127.0.0.1:{port}"
    opener.open(f"{base}/accounts/login/", timeout=30).read()
    token = next(cookie.value for cookie in jar if cookie.name == "csrftoken")
    body = urllib.parse.urlencode(
        {
            "csrfmiddlewaretoken": token,
            "login-username": email,
            "login-password": password,
            "login_submit": "Log In",
        }
    ).encode()
    request = urllib.request.Request(  # noqa: S310 -- http://127.0.0.1 only
        f"{base}/accounts/login/", data=body, headers={"Referer": f"{base}/accounts/login/"}
    )
    opener.open(request, timeout=30).read()
    cookies = {cookie.name: cookie.value for cookie in jar}
    if "sessionid" not in cookies:
        raise SystemExit(f"could not sign in as {email} on port {port}")
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


# --- Load ---------------------------------------------------------------------------------

WRK_SCRIPT = """
done = function(summary, latency, requests)
  io.write(string.format('{"requests": %d, "seconds": %f, "p95_ms": %f, "bad": %d}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(95) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout))
end
"""


def load_with_wrk(port, path, cookie, seconds):
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    args = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "-s", script.name]
    if cookie:
        args += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run([*args, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True)
    os.unlink(script.name)
    figures = json.loads(output.stdout.strip().splitlines()[-1])
    return figures["requests"] - figures["bad"], figures["seconds"], [figures["p95_ms"]], figures["bad"]


def load_with_python(port, path, cookie, seconds):
    """CONNECTIONS clients, each a new connection per request, until the time is up."""
    request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\nUser-Agent: storefront-bench\r\n"
    if cookie:
        request += f"Cookie: {cookie}\r\n"
    request = (request + "\r\n").encode()
    timings, bad = [], [0]

    async def client(stop):
        while time.perf_counter() < stop:
            started = time.perf_counter()
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                writer.write(request)
                data = await reader.read()
                writer.close()
            except OSError:
                bad[0] += 1
                continue
            if data[9:12] == b"200":
                timings.append((time.perf_counter() - started) * 1000)
            else:
                bad[0] += 1

    async def main():
        started = time.perf_counter()
        await asyncio.gather(*(client(started + seconds) for _ in range(CONNECTIONS)))
        return time.perf_counter() - started

    elapsed = asyncio.run(main())
    return len(timings), elapsed, timings, bad[0]


def load(port, path, cookie, seconds):
    loader = load_with_wrk if shutil.which("wrk") else load_with_python
    return loader(port, path, cookie, seconds)


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else None


def measure(pages, *, rounds, seconds):
    """Load every page in turn, `rounds` times; req/s is the median of its rounds."""
    samples = {name: {"rps": [], "timings": [], "bad": 0} for name in pages}
    for port, path, cookie in pages.values():
        load(port, path, cookie, 1)  # warm: every worker has rendered it, caches are full
    for round_number in range(rounds):
        log(f"load: round {round_number + 1} of {rounds}, {len(pages)} pages × {seconds} s…")
        for name, (port, path, cookie) in pages.items():
            done, elapsed, timings, bad = load(port, path, cookie, seconds)
            samples[name]["rps"].append(done / elapsed)
            samples[name]["timings"] += timings
            samples[name]["bad"] += bad
    return {
        name: {
            "rps": round(statistics.median(sample["rps"]), 1),
            "p95_ms": round(percentile(sample["timings"], 0.95) or 0, 1),
            "errors": sample["bad"],
        }
        for name, sample in samples.items()
    }


# --- The run ------------------------------------------------------------------------------


def main():
    global BENCH_DIR
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="two short rounds instead of three long ones")
    parser.add_argument("--ports", help="two ports for the servers (stock Oscar, Atelier); default: free ones")
    parser.add_argument(
        "--bench-dir", help="folder of the private databases and cache (default: var/bench); two runs at once need two"
    )
    parser.add_argument("--inspect", choices=["atelier", "oscar"], help=argparse.SUPPRESS)
    parser.add_argument("--products", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bench_dir:
        BENCH_DIR = Path(args.bench_dir).resolve()
    if args.inspect:
        sys.path.insert(0, str(ROOT))
        in_process(args.inspect, args.products)
        return

    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    atelier, atelier_facts = prepare_atelier()
    oscar, oscar_facts = prepare_oscar(atelier_facts["products"])
    oscar_port, atelier_port = (
        (int(port) for port in args.ports.split(",")) if args.ports else (free_port(), free_port())
    )
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # a stopped run stops its servers too
    servers = []
    try:
        servers.append(start_server("benchmarks.lib.stock_oscar.wsgi:application", oscar, oscar_port, "/catalogue/"))
        servers.append(start_server("portal.wsgi:application", atelier, atelier_port, "/catalogue/"))
        oscar_cookie = sign_in(oscar_port, *OSCAR_SHOPPER)
        atelier_cookie = sign_in(atelier_port, *ATELIER_SHOPPER)
        pages = {"oscar_product": (oscar_port, oscar_facts["stocked_url"], "")}
        pages["oscar_catalogue"] = (oscar_port, "/catalogue/", "")
        pages["oscar_product_signed_in"] = (oscar_port, oscar_facts["stocked_url"], oscar_cookie)
        urls = {
            "home": "home_url",
            "catalogue": "catalogue_url",
            "product": "configurable_url",
            "stocked": "stocked_url",
        }
        for name, key in urls.items():
            pages[name] = (atelier_port, atelier_facts[key], "")
            pages[f"{name}_signed_in"] = (atelier_port, atelier_facts[key], atelier_cookie)
        rounds, seconds = (2, 3) if args.quick else (3, 10)
        figures = measure(pages, rounds=rounds, seconds=seconds)
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)

    baseline = figures["oscar_product"]["rps"]
    log(f"{'page':28} {'req/s':>8} {'p95 ms':>8} {'ratio':>6} {'errors':>6}")
    for name, page in figures.items():
        log(f"{name:28} {page['rps']:8.1f} {page['p95_ms']:8.1f} {page['rps'] / baseline:6.2f} {page['errors']:6d}")
    result = {
        "client": "wrk" if shutil.which("wrk") else "python-asyncio",
        "workers": WORKERS,
        "connections": CONNECTIONS,
        "products": atelier_facts["products"],
        **{f"{name}_rps": page["rps"] for name, page in figures.items()},
        **{f"{name}_p95_ms": page["p95_ms"] for name, page in figures.items()},
        "ratios": {name: round(page["rps"] / baseline, 2) for name, page in figures.items()},
        "errors": sum(page["errors"] for page in figures.values()),
        "stocked_queries": atelier_facts["stocked_queries"],
        "stocked_ms": atelier_facts["stocked_ms"],
        "oscar_stocked_queries": oscar_facts["stocked_queries"],
        "oscar_stocked_ms": oscar_facts["stocked_ms"],
        "ratio": round(figures["product"]["rps"] / baseline, 2),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
