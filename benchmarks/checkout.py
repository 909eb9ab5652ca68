"""Benchmark checkout: the invoice PDF and order placement, each against a baseline run alongside.

    python benchmarks/checkout.py [--quick]

- Invoice: an order of configured T-shirts long enough for a 2-page invoice, rendered with
  WeasyPrint (template, lines with configuration summaries, totals); the baseline is
  WeasyPrint rendering a plain page of the same text length.
- Placement: the server time of "Place order and pay" (Oscar's checkout view: re-pricing
  every configured line, the order, the demo gateway's payment record, the session), with
  Stripe left out; the baseline is Oscar's own OrderCreator placing the same basket directly.

Runs in-process on a private SQLite database under var/bench. Last stdout line: one JSON object.
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.lib.embedded import use_private_sqlite  # noqa: E402

use_private_sqlite("checkout")
os.environ.pop("STRIPE_SECRET_KEY", None)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from oscar.core.loading import get_class, get_model  # noqa: E402
from weasyprint import HTML  # noqa: E402

ADDRESS = {
    "first_name": "Grace", "last_name": "Hopper", "line1": "1 Compiler Row", "line4": "York",
    "postcode": "YO1 7HH", "country": "GB", "phone_number": "",
}  # fmt: skip


def log(message):
    print(message, file=sys.stderr, flush=True)


def median_ms(function, runs):
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def median_cpu_ms(function, runs):
    """The median CPU time of this process: on a shared machine the wall clock also counts the
    time other processes held the cores."""
    timings = []
    for _ in range(runs):
        started = time.process_time()
        function()
        timings.append((time.process_time() - started) * 1000)
    return statistics.median(timings)


def shopper_with_basket(lines):
    client = Client()
    for index in range(lines):
        client.post(
            "/configure/printed-tee/",
            {"action": "basket", "print_text": f"Relay team {index:02d}", "colour": "navy", "quantity": "2"},
        )
    client.post("/checkout/", {"username": "bench@example.com", "options": "anonymous"})
    client.post("/checkout/shipping-address/", ADDRESS)
    client.post("/checkout/shipping-method/", {"method_code": "standard"})
    preview = client.get("/checkout/preview/")
    return client, preview.context["basket_fingerprint"]


def place(client, fingerprint):
    response = client.post("/checkout/preview/", {"action": "place_order", "basket_fingerprint": fingerprint})
    if not response["Location"].startswith("/checkout/pay/"):
        raise RuntimeError(f"placement failed: {response.status_code} {response.get('Location')}")
    return response["Location"].split("/")[3]


def placement_figures(runs, lines):
    log(f"placement: {runs} orders of {lines} configured lines through the checkout view…")
    ours = []
    for _ in range(runs):
        client, fingerprint = shopper_with_basket(lines)
        started = time.perf_counter()
        place(client, fingerprint)
        ours.append((time.perf_counter() - started) * 1000)

    log("placement baseline: Oscar's OrderCreator on the same basket…")
    basket_model = get_model("basket", "Basket")
    order_creator = get_class("order.utils", "OrderCreator")
    calculator = get_class("checkout.calculators", "OrderTotalCalculator")
    repository = get_class("shipping.repository", "Repository")
    selector = get_class("partner.strategy", "Selector")
    shipping_address = get_model("order", "ShippingAddress")
    country = get_model("address", "Country").objects.get(iso_3166_1_a2="GB")
    baseline = []
    for index in range(runs):
        shopper_with_basket(lines)
        basket = basket_model.objects.filter(status=basket_model.OPEN, lines__isnull=False).distinct().last()
        basket.strategy = selector().strategy()
        method = repository().get_shipping_methods(basket)[0]
        address = shipping_address.objects.create(**{**ADDRESS, "country": country})
        started = time.perf_counter()
        charge = method.calculate(basket)
        order_creator().place_order(
            basket=basket,
            total=calculator().calculate(basket, charge),
            shipping_method=method,
            shipping_charge=charge,
            shipping_address=address,
            order_number=f"BENCH-{time.time_ns()}-{index}",
        )
        baseline.append((time.perf_counter() - started) * 1000)
    return statistics.median(ours), statistics.median(baseline)


def pdf_figures(runs, lines):
    from atelier.pdf import html_to_pdf
    from portal.documents.invoice import render_invoice_html

    log(f"invoice: an order of {lines} configured lines…")
    client, fingerprint = shopper_with_basket(lines)
    order = get_model("order", "Order").objects.get(number=place(client, fingerprint))
    html = render_invoice_html(order)
    pdf = html_to_pdf(html)
    pages = len(HTML(string=html).render().pages)
    text_length = len(" ".join(__import__("re").sub(r"<[^>]+>", " ", html).split()))
    plain = "<html><body>" + "".join(f"<p>{'x ' * 40}</p>" for _ in range(text_length // 80 + 1)) + "</body></html>"
    log(f"invoice: {pages} pages, {len(pdf) // 1024} KiB; timing {runs} renders and the plain baseline…")
    ours = median_ms(lambda: html_to_pdf(render_invoice_html(order)), runs)
    baseline = median_ms(lambda: HTML(string=plain).write_pdf(), runs)
    cpu = median_cpu_ms(lambda: html_to_pdf(render_invoice_html(order)), runs)
    baseline_cpu = median_cpu_ms(lambda: HTML(string=plain).write_pdf(), runs)
    return ours, baseline, pages, cpu, baseline_cpu


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs")
    args = parser.parse_args()
    setup_test_environment()  # lets the test client read response contexts
    log("preparing the private database (migrate, demo shop)…")
    call_command("migrate", "--no-input", verbosity=0)
    call_command("load_demo", "--no-progress", stdout=open(os.devnull, "w"))  # noqa: SIM115

    runs = 5 if args.quick else 15
    pdf_ms, plain_ms, pages, pdf_cpu_ms, plain_cpu_ms = pdf_figures(runs, lines=16)
    placement_ms, oscar_ms = placement_figures(runs, lines=3)
    result = {
        "pdf_median_ms": round(pdf_ms, 1),
        "pdf_baseline_ms": round(plain_ms, 1),
        "pdf_pages": pages,
        "pdf_cpu_ms": round(pdf_cpu_ms, 1),
        "pdf_baseline_cpu_ms": round(plain_cpu_ms, 1),
        "cpu_ratio": round(pdf_cpu_ms / plain_cpu_ms, 2),
        "placement_median_ms": round(placement_ms, 1),
        "placement_baseline_ms": round(oscar_ms, 1),
        "placement_ratio": round(placement_ms / oscar_ms, 2),
        "ratio": round(pdf_ms / plain_ms, 2),
    }
    log(
        f"invoice {result['pdf_median_ms']} ms ({result['ratio']}x a plain page; CPU time {result['cpu_ratio']}x); "
        f"placement {result['placement_median_ms']} ms ({result['placement_ratio']}x Oscar's bare OrderCreator)"
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
