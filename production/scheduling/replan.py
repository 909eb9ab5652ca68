"""Re-plan after a change, keeping the floor's plan as it was wherever the change does not reach.

The previous plan is replayed onto the changed problem (each operation on its old machine, no
earlier than its old start, new operations into the gaps), which gives CP-SAT a complete plan to
start from; the objective then charges `stability_weight` weighted minutes of tardiness for
each operation that leaves its machine or start. Stability is a price in the primary objective,
not a second stage after tardiness: a plan cut by a time limit is rarely tardiness-optimal, and
a lexicographic order would reshuffle the whole floor to save minutes.

Nothing here changes the previous Schedule: when re-planning raises (PlanningError for an
invalid change), the caller still holds its previous plan and keeps using it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from .model import FrozenAssignment, Id, Job, Problem, Schedule

if TYPE_CHECKING:
    from .solver import Objective

STABILITY_WEIGHT = 120  # one moved operation is worth two hours of (weighted) lateness


@dataclass(frozen=True)
class Replan:
    """The new plan, and the operations of the previous plan that it moves (machine or start)."""

    schedule: Schedule
    moved_operations: tuple[Id, ...]


def replan(
    previous: Schedule,
    problem: Problem,
    *,
    time_limit: float = 5.0,
    seed: int = 0,
    workers: int = 2,
    objective: Objective = "tardiness",
    stability_weight: int = STABILITY_WEIGHT,
    deterministic: bool = True,
) -> Replan:
    """Plan the changed `problem` starting from `previous`, moving as little as is worth it.

    `moved_operations` lists, in problem order, the operations planned in both that changed
    machine or start; operations new to the problem and operations frozen in it (their times
    are facts, not moves) are not counted. Raises PlanningError like `solve`.
    """
    from .solver import solve  # OR-Tools is loaded by the first plan (see the package's __init__)

    schedule = solve(
        problem,
        time_limit=time_limit,
        seed=seed,
        workers=workers,
        objective=objective,
        hint=previous,
        stability_weight=stability_weight,
        deterministic=deterministic,
    )
    return Replan(schedule, moved_operations(previous, schedule, problem))


def moved_operations(previous: Schedule, current: Schedule, problem: Problem) -> tuple[Id, ...]:
    """Operations planned in both schedules, not frozen in `problem`, whose machine or start differ."""
    frozen = {f.operation_id for f in problem.frozen}
    moved = []
    for job in problem.jobs:
        for op in job.operations:
            before = previous.assignments.get(op.id)
            if before is None or op.id in frozen:
                continue
            after = current.assignments[op.id]
            if (before.machine_id, before.start) != (after.machine_id, after.start):
                moved.append(op.id)
    return tuple(moved)


def with_job(problem: Problem, job: Job) -> Problem:
    """The problem with a new job (an order just paid)."""
    return replace(problem, jobs=(*problem.jobs, job))


def with_downtime(problem: Problem, machine_id: Id, start: int, end: int) -> Problem:
    """The problem with machine `machine_id` closed over [start, end) (a breakdown, maintenance)."""
    machines = tuple(
        replace(m, unavailable=(*m.unavailable, (start, end))) if m.id == machine_id else m for m in problem.machines
    )
    return replace(problem, machines=machines)


def with_frozen(problem: Problem, *frozen: FrozenAssignment) -> Problem:
    """The problem with these operations pinned (started, finished early or late: actual times)."""
    replaced = {f.operation_id for f in frozen}
    kept = tuple(f for f in problem.frozen if f.operation_id not in replaced)
    return replace(problem, frozen=(*kept, *frozen))


def advance_to(problem: Problem, schedule: Schedule, now: int) -> Problem:
    """The problem as seen at minute `now`: operations the plan started before `now` are frozen
    where the plan put them (those already frozen keep their times), and nothing else may start
    before `now`.
    """
    already = {f.operation_id for f in problem.frozen}
    started = [
        FrozenAssignment(op_id, a.machine_id, a.start, a.end)
        for op_id, a in schedule.assignments.items()
        if a.start < now and op_id not in already
    ]
    return replace(with_frozen(problem, *started), horizon_start=now)
