"""What-if: the plan re-computed on a copy of its inputs with a change (overtime, downtime, a
rush), in memory, compared with the plan on the floor. Nothing is written."""

from dataclasses import dataclass

from django.conf import settings

from .. import planning, routing, scheduling
from ..models import RoutingTemplate
from .lateness import live_schedule
from .promises import DEFAULT_LEAD_DAYS
from .release import routing_steps

LOAD_DAYS = 7  # the load compared: the coming week
COMMIT_STABILITY = 1  # a fix's re-plan: one minute of lateness outweighs one moved operation


@dataclass(frozen=True)
class Figures:
    late: tuple  # work order numbers (or "new order")
    weighted_lateness: int
    load: dict  # work center code -> percent of open time planned over the coming week


@dataclass(frozen=True)
class Comparison:
    live: Figures
    changed: Figures
    centers: tuple  # WorkCenter rows, in order
    seconds: float
    revision: int

    @property
    def newly_late(self):
        return sorted(set(self.changed.late) - set(self.live.late))

    @property
    def no_longer_late(self):
        return sorted(set(self.live.late) - set(self.changed.late))


def _figures(problem, schedule):
    start = problem.horizon_start
    end = start + LOAD_DAYS * 24 * 60
    load = {}
    for machine in problem.machines:
        closed = sum(max(0, min(b, end) - max(a, start)) for a, b in machine.unavailable)
        opened = (end - start - closed) * machine.capacity
        planned = sum(
            max(0, min(x.end, end) - max(x.start, start))
            for x in schedule.assignments.values()
            if x.machine_id == machine.id
        )
        load[machine.id] = round(100 * planned / opened) if opened else 0
    late = tuple(sorted(str(job) for job, minutes in schedule.tardiness.items() if minutes))
    return Figures(late, schedule.weighted_tardiness, load)


def hypothetical_job(snap, template, quantity, *, weight):
    """A new order of `template`'s family, made of its routing's base steps, due in its lead time."""
    codes = {wc.pk: code for code, wc in snap.work_centers.items()}
    specs = routing.derive_operations(routing_steps(template), {}, quantity)
    operations = tuple(
        scheduling.Operation(
            id=f"new:{spec.code}",
            job_id="new order",
            alternatives=tuple(
                scheduling.Alternative(codes[pk], spec.minutes, spec.setup)
                for pk in spec.work_center_ids
                if pk in codes
            ),
            predecessors=tuple(f"new:{code}" for code in spec.after),
        )
        for spec in specs
    )
    start = snap.problem.horizon_start
    return scheduling.Job(
        "new order", operations, release=start, due=start + DEFAULT_LEAD_DAYS * 24 * 60, weight=weight
    )


def compare(plant, *, changes=None, family=None, quantity=1, now=None):
    """The live plan's figures against the plan with `changes` (and a new order of `family`)."""
    live_snap = planning.snapshot(plant, now=now)
    live_problem, live = live_schedule(live_snap)
    snap = planning.snapshot(plant, now=now, changes=changes or planning.Changes())
    problem = snap.problem
    if family is not None:
        template = RoutingTemplate.objects.get(family_slug=family)
        job = hypothetical_job(snap, template, quantity, weight=template.rush_weight)
        problem = scheduling.with_job(problem, job)
    limit = settings.PRODUCTION_PLAN_SECONDS
    previous = planning.previous_schedule(snap)
    if previous is not None:
        # As the commit re-plans (lateness before stability), so the comparison is what it will do.
        schedule = scheduling.replan(previous, problem, time_limit=limit, stability_weight=COMMIT_STABILITY).schedule
    else:
        schedule = scheduling.solve(problem, time_limit=limit)
    centers = tuple(sorted(snap.work_centers.values(), key=lambda wc: wc.code))
    return Comparison(
        _figures(live_problem, live), _figures(problem, schedule), centers, schedule.seconds, live_snap.revision
    )
