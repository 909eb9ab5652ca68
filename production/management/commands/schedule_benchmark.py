"""Plan a standard benchmark instance with the production scheduler; print one JSON line."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from production.scheduling import InstanceFormatError, PlanningError, load_instance, solve


class Command(BaseCommand):
    help = (
        "Plan a job-shop (OR-Library) or flexible job-shop (Brandimarte .fjs) instance for minimum "
        "makespan and print one JSON line: instance, jobs, machines, makespan, lower_bound, status, seconds, "
        "found_seconds, reproducible."
    )
    requires_system_checks = []  # pure planning: no models, no database

    def add_arguments(self, parser):
        parser.add_argument("file", help="instance file")
        parser.add_argument("--format", choices=["jssp", "fjsp"], help="default: fjsp for .fjs files, else jssp")
        parser.add_argument("--time-limit", type=float, default=10.0, help="seconds (default 10)")
        parser.add_argument("--seed", type=int, default=0, help="CP-SAT random seed (default 0)")
        parser.add_argument(
            "--free",
            action="store_true",
            help="CP-SAT's wall-clock portfolio: often better on large shops, not reproducible",
        )

    def handle(self, *args, **options):
        if not options["time_limit"] > 0:
            raise CommandError(f"--time-limit must be a positive number of seconds, not {options['time_limit']}")
        try:
            problem = load_instance(options["file"], options["format"])
            schedule = solve(
                problem,
                objective="makespan",
                time_limit=options["time_limit"],
                seed=options["seed"],
                deterministic=not options["free"],
            )
        except (InstanceFormatError, PlanningError) as exc:
            raise CommandError(str(exc)) from exc
        result = {
            "instance": Path(options["file"]).stem,
            "jobs": len(problem.jobs),
            "machines": len(problem.machines),
            "makespan": schedule.makespan,
            "lower_bound": schedule.lower_bound,
            "status": schedule.status,
            "seconds": schedule.seconds,
            "found_seconds": schedule.found_seconds,
            "reproducible": schedule.reproducible,
        }
        self.stdout.write(json.dumps(result))
