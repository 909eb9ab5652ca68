"""Report database, broker, worker and beat status; exit 1 when any of them fails."""

import json

from django.core.management.base import BaseCommand, CommandError

from portal import health


class Command(BaseCommand):
    help = "Check the database, the broker, the Celery workers and beat. Exits 1 if any check fails."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="Print one JSON object instead of a table.")
        parser.add_argument("--no-workers", action="store_true", help="Check only the database and broker.")

    def handle(self, *args, **options):
        results = health.run_checks(include_workers=not options["no_workers"])
        if options["json"]:
            self.stdout.write(json.dumps({r.name: {"ok": r.ok, "detail": r.detail, **r.facts} for r in results}))
        else:
            for result in results:
                state = self.style.SUCCESS("ok  ") if result.ok else self.style.ERROR("FAIL")
                self.stdout.write(f"{state} {result.name:9} {result.detail} ({result.seconds:.2f} s)")
        failing = [result.name for result in results if not result.ok]
        if failing:
            raise CommandError(f"failing: {', '.join(failing)}")
