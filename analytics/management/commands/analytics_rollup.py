"""Build the margin dashboard's roll-ups now: what the nightly task does, or all of it again."""

import sys
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from analytics import rollup


class Command(BaseCommand):
    help = (
        "Bring the margin roll-ups up to yesterday: the days never built and the days of the orders changed "
        "since the last run (a late refund, the actual labour, a remake). --full rebuilds every day, "
        "--since DATE every day from DATE as well."
    )

    def add_arguments(self, parser):
        parser.add_argument("--full", action="store_true", help="Empty the roll-ups and build every day again.")
        parser.add_argument("--since", metavar="DATE", help="Also rebuild every day from this date (YYYY-MM-DD).")
        parser.add_argument("--no-progress", action="store_true", help="Do not draw a progress bar.")

    def handle(self, *args, **options):
        since = None
        if options["since"]:
            try:
                since = date.fromisoformat(options["since"])
            except ValueError as error:
                raise CommandError(f"--since wants a date as YYYY-MM-DD, not {options['since']!r}.") from error
        full = options["full"]
        # The bar goes to the real stderr, and only when a person is watching (as portal.cli does).
        show = options["verbosity"] >= 1 and not options["no_progress"] and sys.stderr.isatty()
        with tqdm(total=rollup.days_pending(full=full, since=since), desc="Roll-up", unit="day", file=sys.stderr,
                  disable=not show) as bar:  # fmt: skip
            result = rollup.roll_up(full=full, since=since, progress=bar.update)
        self.stdout.write(f"{result.days} day(s) rolled up in {result.seconds:.1f} s.")
        if result.failed:
            self.stderr.write(f"Failed, read raw until the next run: {', '.join(result.failed)}.")
