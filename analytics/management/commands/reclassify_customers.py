"""Every customer's value class now, as the nightly beat does (analytics.reclassify)."""

import json

from django.core.management.base import BaseCommand

from analytics.reclassify import reclassify_customers
from atelier.cli import add_progress_argument, progress


class Command(BaseCommand):
    help = (
        "Classify every customer (premium, major, ordinary, restricted, potential) from their 12-month "
        "contribution and record the changes, as the nightly run does. Running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--chunk", type=int, default=2000, help="Customers written per transaction.")
        add_progress_argument(parser)

    def handle(self, *args, **options):
        def bar(chunks, total):
            return progress(chunks, options=options, total=total, desc="Value classes", unit="chunk")

        result = reclassify_customers(chunk=max(1, options["chunk"]), progress=bar)
        self.stdout.write(
            f"{result.customers} customer(s) classified, {result.changed} changed, {result.failed} failed "
            f"in {result.seconds} s."
        )
        self.stdout.write(json.dumps(result.classes))
        if result.failed:
            self.stderr.write("Some customers were not written (see the log); the next run tries them again.")
