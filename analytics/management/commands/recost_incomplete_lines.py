"""Cost again the order lines whose cost was kept incomplete, once their data is mended."""

from django.core.management.base import BaseCommand

from analytics.services import recost_incomplete_lines


class Command(BaseCommand):
    help = (
        "Cost again the order lines whose cost could not be known when they were paid (see LineCost.problem), "
        "after the missing data was entered. Complete costs are never changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("order_numbers", nargs="*", help="Only these orders (all orders by default).")

    def handle(self, *args, **options):
        recosted, still = recost_incomplete_lines(order_numbers=options["order_numbers"] or None)
        self.stdout.write(f"{recosted} line(s) costed; {still} still incomplete.")
