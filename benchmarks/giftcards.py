"""Benchmark gift cards on PostgreSQL: concurrent spending of one card, and cancelling an order.

    python benchmarks/giftcards.py [--quick]

Database: DATABASE_URL, or postgres://postgres@127.0.0.1:5432/h_giftcards_bench (created and
migrated if needed; the demo shop loaded once).

1. Redemptions: 1,000 attempts (200 with --quick) to set £10 aside on one gift card, from 16
   threads with a connection each, each for a basket of its own, through the real service
   (`loyalty.wallet.services.checkout.hold_gift_card`: the code looked up by its digest, the
   card's row locked, balance checked, hold and ledger row written). The card holds enough for
   half of them. Reports attempts per second and the overspend (money held beyond the card's
   balance, plus any negative balance; must be 0).
2. Cancellation: a signed-in shopper's made-to-order order (a configured fridge, £60 of it paid
   with a gift card), paid through the demo gateway (no Stripe), released to production, earning
   points; then the hub's "Cancel order" POST, timed server-side with the test client: work
   orders withdrawn, the order cancelled, the card part refunded through the demo gateway (in the
   request, as in production). The tasks it sends are recorded, not run, during the request, as a
   worker would take them; then the money and points ones (points taken back and given back, the
   gift card's share returned to the card) are run and timed as `cancel_tasks_median_ms`; the
   e-mail and the re-plan are neither run nor timed. The baseline is the same shopper's "Place
   order and pay" POST, timed in the same run. ratio = cancel_median_ms / placement_median_ms.

Progress on stderr; the last stdout line is one JSON object.
"""

import argparse
import json
import os
import statistics
import sys
import time
import uuid
from contextlib import contextmanager, redirect_stdout
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/h_giftcards_bench"
os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings.embedded"
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"
os.environ["LOG_LEVEL"] = "WARNING"
os.environ.pop("STRIPE_SECRET_KEY", None)

import django  # noqa: E402

from benchmarks.lib.postgres import ensure_database, log  # noqa: E402
from benchmarks.lib.races import race  # noqa: E402

ensure_database(os.environ["DATABASE_URL"])
django.setup()

from celery.app.task import Task  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from oscar.core.loading import get_model  # noqa: E402

from loyalty.wallet import codes  # noqa: E402
from loyalty.wallet.ledger import WalletRefused, post  # noqa: E402
from loyalty.wallet.models import StoredValue, WalletEntry, WalletHold  # noqa: E402
from loyalty.wallet.services.checkout import hold_gift_card  # noqa: E402

PER_ATTEMPT = Decimal("10.00")
ADDRESS = {
    "first_name": "Grace", "last_name": "Hopper", "line1": "1 Compiler Row", "line4": "York",
    "postcode": "YO1 7HH", "country": "GB", "phone_number": "",
}  # fmt: skip


def prepare():
    log("migrating (once)…")
    call_command("migrate", verbosity=0)
    if not get_user_model().objects.filter(email="ada@example.com").exists():
        log("loading the demo shop (once)…")
        with redirect_stdout(sys.stderr):
            call_command("load_demo", verbosity=0)


def new_card(amount):
    code = codes.new_code()
    with transaction.atomic():
        card = StoredValue.objects.create(
            kind=StoredValue.Kind.GIFT_CARD, code_digest=codes.digest(code), code_hint=codes.hint(code),
            initial_amount=amount,
        )  # fmt: skip
        post(card, kind=WalletEntry.Kind.ISSUE, amount=amount, reason="Benchmark card", key=f"bench:{uuid.uuid4()}")
    return card, code


# --- 1. Concurrent redemptions ----------------------------------------------------------------


def redemption_race(attempts, threads):
    balance = PER_ATTEMPT * (attempts // 2)
    card, code = new_card(balance)
    base = int(time.time() * 1000) * 10_000 % 2_000_000_000  # basket ids unique to this run

    def attempt(index):
        basket = SimpleNamespace(pk=base + index, total_incl_tax=Decimal("100000.00"), all_lines=list)
        hold_gift_card(basket=basket, code=code, amount=PER_ATTEMPT)

    held, seconds = race(attempts, threads, attempt, WalletRefused)
    card.refresh_from_db()
    taken = sum(WalletHold.objects.filter(value=card, status="held").values_list("amount", flat=True), Decimal(0))
    overspend = max(Decimal(0), taken - balance) + max(Decimal(0), -card.balance)
    log(
        f"redemptions: {attempts} attempts in {seconds:.2f} s, {len(held)} held, £{balance} → £{card.balance}, "
        f"overspend £{overspend}"
    )
    return {
        "attempts": attempts,
        "held": len(held),
        "overspend": float(overspend),
        "attempts_per_s": attempts / seconds,
    }


# --- 2. Cancellation against placement ----------------------------------------------------------


def shopper_at_review(user):
    client = Client()
    client.force_login(user)
    _card, code = new_card(Decimal("60.00"))
    client.post("/configure/atelier-fridge/", {"action": "basket"})
    client.post("/checkout/shipping-address/", ADDRESS)
    client.post("/checkout/shipping-method/", {"method_code": "standard"})
    client.get("/checkout/preview/")
    client.post("/checkout/gift-card/", {"code": code, "next": "/checkout/preview/"})
    preview = client.get("/checkout/preview/")
    return client, preview.context["basket_fingerprint"]


@contextmanager
def tasks_queued():
    """Tasks sent meanwhile are recorded, not run: what a request does before a worker takes over."""
    queued = []
    original = Task.apply_async

    def record(task, args=None, kwargs=None, **options):
        queued.append((task.name, task, args or (), kwargs or {}))

    Task.apply_async = record
    try:
        yield queued
    finally:
        Task.apply_async = original


def run_money_and_points(queued):
    for name, task, args, kwargs in queued:
        if name.startswith(("loyalty.tasks.reverse", "loyalty.tasks.release", "loyalty.wallet.tasks")):
            task.run(*args, **kwargs)


def timed(function):
    started = time.perf_counter()
    result = function()
    return result, (time.perf_counter() - started) * 1000


def cancellation_figures(runs):
    setup_test_environment()  # lets the test client read response contexts
    Order = get_model("order", "Order")
    user = get_user_model().objects.create_user(email=f"bench-cancel-{uuid.uuid4().hex[:8]}@example.com")
    placements, cancellations, effects = [], [], []
    for index in range(runs):
        client, fingerprint = shopper_at_review(user)
        response, placing_ms = timed(
            lambda client=client, fingerprint=fingerprint: client.post(
                "/checkout/preview/", {"action": "place_order", "basket_fingerprint": fingerprint}
            )
        )
        if not response["Location"].startswith("/checkout/pay/"):
            raise RuntimeError(f"placement failed: {response.status_code} {response.get('Location')}")
        number = response["Location"].split("/")[3]
        client.post(f"/checkout/pay/{number}/", {"card_number": "4242 4242 4242 4242"})
        order = Order.objects.get(number=number)
        if order.status != "Paid" or not order.work_orders.exists():
            raise RuntimeError(f"order {number} is {order.status} with no work orders")
        with tasks_queued() as queued:
            response, cancelling_ms = timed(
                lambda client=client, number=number: client.post(
                    f"/accounts/orders/{number}/cancel/", {"reason": "changed-mind", "key": str(uuid.uuid4())}
                )
            )
        # What a worker then does for the money and points (the points taken back and given back,
        # the gift card's share returned); the e-mail and the re-plan are not timed or run.
        _, effects_ms = timed(lambda queued=queued: run_money_and_points(queued))
        order.refresh_from_db()
        if response.status_code != 302 or order.status != "Cancelled":
            raise RuntimeError(f"cancellation of {number} failed: {response.status_code} {order.status}")
        placements.append(placing_ms)
        cancellations.append(cancelling_ms)
        effects.append(effects_ms)
        log(
            f"  order {index + 1}/{runs}: placed in {placing_ms:.0f} ms, cancelled in {cancelling_ms:.0f} ms "
            f"(+ {effects_ms:.0f} ms of points and gift card tasks: {', '.join(sorted({n for n, *_ in queued}))})"
        )
    return statistics.median(cancellations), statistics.median(placements), statistics.median(effects)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="200 redemptions and 5 cancellations")
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    prepare()
    race = redemption_race(200 if args.quick else 1000, 16)
    cancel_ms, place_ms, effects_ms = cancellation_figures(5 if args.quick else 15)
    log(f"cancellation: median {cancel_ms:.1f} ms (+ {effects_ms:.1f} ms of tasks); placement median {place_ms:.1f} ms")
    result = {
        "overspend": race["overspend"],
        "attempts": race["attempts"],
        "held": race["held"],
        "attempts_per_s": round(race["attempts_per_s"], 1),
        "cancel_median_ms": round(cancel_ms, 1),
        "cancel_tasks_median_ms": round(effects_ms, 1),
        "placement_median_ms": round(place_ms, 1),
        "ratio": round(cancel_ms / place_ms, 2),
        "target_cancel_ms": 300,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
