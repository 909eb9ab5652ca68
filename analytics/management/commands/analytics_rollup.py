"""Build the margin dashboard's roll-ups now: what the nightly task does, or all of it again."""

import resource
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
        parser.add_argument(
            "--memory",
            action="store_true",
            help="Say the process's peak resident memory, and how much of it was there before the roll-up began.",
        )

    def handle(self, *args, **options):
        since = None
        if options["since"]:
            try:
                since = date.fromisoformat(options["since"])
            except ValueError as error:
                raise CommandError(f"--since wants a date as YYYY-MM-DD, not {options['since']!r}.") from error
        full = options["full"]
        loaded_mb = _peak_mb()  # Django, Oscar and Wagtail loaded: what any command of the project holds
        # The bar goes to the real stderr, and only when a person is watching (as portal.cli does).
        show = options["verbosity"] >= 1 and not options["no_progress"] and sys.stderr.isatty()
        with tqdm(total=rollup.days_pending(full=full, since=since), desc="Roll-up", unit="day", file=sys.stderr,
                  disable=not show) as bar:  # fmt: skip
            result = rollup.roll_up(full=full, since=since, progress=bar.update)
        self.stdout.write(f"{result.days} day(s) rolled up in {result.seconds:.1f} s.")
        if options["memory"]:
            peak_mb = _peak_mb()
            self.stdout.write(
                f"Peak memory {peak_mb:.1f} MB, of which {loaded_mb:.1f} MB before the roll-up began "
                f"(Django loaded); the roll-up added {peak_mb - loaded_mb:.1f} MB."
            )
        if result.failed:
            self.stderr.write(f"Failed, read raw until the next run: {', '.join(result.failed)}.")


def _peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux
