"""Improve a large plan piece by piece: a large neighbourhood search (LNS) with small CP-SAT models.

On a floor of thousands of operations one CP-SAT model is too heavy for a short time limit on a
small machine: each of CP-SAT's own neighbourhoods copies and presolves the whole model (seconds
each on the 2,500-operation benchmark). Here a neighbourhood is a few dozen operations, free to
move within the span they occupy while everything else stays where it is, solved as a small
PlanModel from the current plan. Most neighbourhoods are a late job with the operations of
rival jobs that hold its machines while it is in the shop (the swaps that cut tardiness); the
others are runs of operations consecutive by start. Neighbourhoods grow while CP-SAT proves
them optimal and shrink when not.

A neighbourhood's objective is its part of the primary objective (weighted tardiness or
makespan, plus the stability price); for makespan, ties prefer earlier ends. `workers`
neighbourhoods are solved at once, in threads. The search is a
function of the seed: neighbourhoods come from a seeded generator, and in deterministic mode
each solve and the whole search are cut by deterministic time, not by the clock.
"""

import random
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from .formulation import PlanModel
from .graph import Layout
from .model import Assignment, Id

START_SIZE = 40  # operations in the first neighbourhood
MIN_SIZE = 40
MAX_SIZE = 400
SOLVE_DETERMINISTIC_TIME = 0.05  # per neighbourhood: many small solves beat few large ones here
BUILD_CHARGE = 0.1  # budget charged per neighbourhood for building its model in Python
LATE_SHARE = 0.9  # of neighbourhoods drawn around late jobs


@dataclass
class Search:
    """What the caller fixes: the objective, the stability price, the limits and the seed."""

    layout: Layout
    objective: str
    stability_weight: int
    previous: Mapping[Id, Assignment] | None
    seed: int
    workers: int
    deterministic: bool
    budget: float  # deterministic time, in deterministic mode (otherwise the deadline rules)
    wall_deadline: float  # a perf_counter time never to pass
    began: float
    improvements: list[tuple[float, int]] = field(default_factory=list)
    found_at: float = 0.0
    stopped_by_clock: bool = False


def improve(search: Search, assignments: Mapping[Id, Assignment]) -> dict[Id, Assignment]:
    """A plan at least as good as `assignments` by (primary objective, sum of ends).

    Each round solves `workers` disjoint neighbourhoods at once, one thread each, then applies
    their answers in order, each only if it still fits with those applied before it and does not
    make the plan worse. In deterministic mode each solve is a single CP-SAT worker cut by
    deterministic time, which does not depend on thread timing, so neither does the result.
    """
    layout = search.layout
    rng = random.Random(search.seed)  # noqa: S311  (a reproducible search, not a secret)
    current = dict(assignments)
    score = _score(search, current)
    size = START_SIZE
    spent = 0.0
    movable = [op for op in range(len(layout.operations)) if op not in layout.frozen]
    if not movable:
        return current
    with ThreadPoolExecutor(max_workers=search.workers) as pool:
        while (not search.deterministic or spent < search.budget) and time.perf_counter() < search.wall_deadline:
            proposals = _proposals(search, current, movable, size, rng)
            left = search.budget - spent
            answers = list(pool.map(_answer, [search] * len(proposals), proposals, [left] * len(proposals)))
            spent += sum(dtime for _, dtime, _ in answers) + BUILD_CHARGE * len(answers)
            optimal = 0
            for proposal, (status, _, plan) in zip(proposals, answers, strict=True):
                optimal += status == cp_model.OPTIMAL
                if plan is None or not _fits(search, current, proposal.chosen, plan):
                    continue
                candidate = {**current, **{layout.operations[op].id: plan[op] for op in proposal.chosen}}
                candidate_score = _score(search, candidate)
                if candidate_score < score:
                    search.found_at = round(time.perf_counter() - search.began, 3)
                    if candidate_score[0] < score[0]:
                        search.improvements.append((search.found_at, candidate_score[0]))
                if candidate_score <= score:
                    current, score = candidate, candidate_score
            grow = optimal * 2 > len(answers)
            size = min(MAX_SIZE, int(size * 1.25)) if grow else max(MIN_SIZE, int(size * 0.8))
    search.stopped_by_clock = spent < search.budget or time.perf_counter() >= search.wall_deadline
    return current


@dataclass
class _Proposal:
    chosen: set[int]
    sub: PlanModel


def _proposals(search: Search, current, movable, size: int, rng: random.Random) -> list[_Proposal]:
    """Up to `workers` neighbourhoods with no operation in common, each as a model ready to solve."""
    layout = search.layout
    proposals: list[_Proposal] = []
    taken: set[int] = set()
    for _ in range(search.workers * 3):
        if len(proposals) == search.workers:
            break
        chosen, floor, horizon = _neighbourhood(search, current, movable, size, rng)
        if chosen & taken:
            continue
        taken |= chosen
        fixed = {op: current[layout.operations[op].id] for op in range(len(layout.operations)) if op not in chosen}
        sub = PlanModel(layout, horizon, previous=search.previous, fixed=fixed, floor=floor)
        measure = sub.weighted_tardiness if search.objective == "tardiness" else sub.makespan
        primary = measure + search.stability_weight * sub.moved_count
        if search.objective == "makespan":
            # A window's makespan is usually fixed by later work: prefer earlier ends among ties.
            scale = len(chosen) * (horizon - floor) + 1
            sub.model.minimize(primary * scale + sum(sub.end.values()))
        else:
            sub.model.minimize(primary)
        sub.hint(current)
        proposals.append(_Proposal(chosen, sub))
    return proposals


def _answer(search: Search, proposal: _Proposal, left: float):
    """(status, deterministic time, new assignments of the chosen positions or None)."""
    solver = _solver(search, left)
    status = solver.solve(proposal.sub.model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return status, solver.deterministic_time, None
    plan = proposal.sub.read(solver)
    ops = search.layout.operations
    return status, solver.deterministic_time, {op: plan[ops[op].id] for op in proposal.chosen}


def _fits(search: Search, current, chosen: set[int], plan: Mapping[int, Assignment]) -> bool:
    """Whether the new assignments of `chosen` still fit the current plan.

    They were solved against an older plan, in which only operations of earlier answers of the
    same round may since have moved: check machine overlaps and precedence against everything.
    """
    layout = search.layout
    ops = layout.operations
    touched = {a.machine_id for a in plan.values()}
    for machine_id in touched:
        spans = [
            (plan[op] if op in plan else current[ops[op].id])
            for op in range(len(ops))
            if (plan[op] if op in plan else current[ops[op].id]).machine_id == machine_id
        ]
        events = sorted([(a.start, 1) for a in spans] + [(a.end, -1) for a in spans])
        running = 0
        for _, delta in events:
            running += delta
            if running > layout.machines[machine_id].capacity:
                return False
    for op, a in plan.items():
        for pred in layout.predecessors[op]:
            before = plan[pred] if pred in plan else current[ops[pred].id]
            if before.end > a.start:
                return False
        for succ in layout.successors[op]:
            after = plan[succ] if succ in plan else current[ops[succ].id]
            if a.end > after.start:
                return False
    return True


def _solver(search: Search, left: float) -> cp_model.CpSolver:
    """In deterministic mode one sequential CP-SAT worker per neighbourhood: reproducible and true
    to its deterministic limit (interleaved batches overshot it three- to four-fold on models this
    small). Otherwise CP-SAT's portfolio, which found better plans per second in our runs.
    """
    solver = cp_model.CpSolver()
    params = solver.parameters
    params.random_seed = search.seed
    params.num_workers = 1
    wall_left = max(0.05, search.wall_deadline - time.perf_counter())
    if search.deterministic:
        params.max_deterministic_time = max(0.01, min(SOLVE_DETERMINISTIC_TIME, left))
        params.max_time_in_seconds = wall_left
    else:
        params.num_workers = search.workers
        params.max_time_in_seconds = min(2 * SOLVE_DETERMINISTIC_TIME, wall_left)
    return solver


def _neighbourhood(search: Search, current, movable: list[int], size: int, rng: random.Random):
    """About `size` movable operations, and the span [floor, horizon) they occupy.

    With late jobs, most neighbourhoods are a late job and rival jobs (those using its machines
    while it waits), all their operations free: the swaps that cut tardiness. Otherwise, or the
    rest of the time, a run of operations consecutive by start (a slice of the plan in time).
    """
    layout = search.layout
    ops = layout.operations
    late = _late_jobs(search, current) if search.objective == "tardiness" else []
    if late and rng.random() < LATE_SHARE:
        chosen = _rivals(search, current, rng.choice(late), size, rng)
    else:
        order = sorted(movable, key=lambda op: (current[ops[op].id].start, op))
        first = rng.randrange(max(1, len(order) - size + 1))
        chosen = set(order[first : first + size])
    floor = min(current[ops[op].id].start for op in chosen)
    horizon = max(current[ops[op].id].end for op in chosen)
    return chosen, floor, horizon


def _rivals(search: Search, current, late_job: int, size: int, rng: random.Random) -> set[int]:
    """The movable operations of `late_job`, and those of random other jobs that run on its
    machines while it is in the shop, until about `size` operations are chosen.

    Only the rivals' competing operations are freed, not their whole routings: more rivals fit
    in a neighbourhood of the same size (0.63 of EDD against 0.66 on the factory benchmark).
    """
    layout = search.layout
    ops = layout.operations
    members = _members(layout)
    own = [op for op in members[late_job] if op not in layout.frozen]
    machines = {current[ops[op].id].machine_id for op in own}
    since = layout.jobs[late_job].release
    until = max(current[ops[op].id].end for op in own)
    rivals = sorted(
        {
            layout.job_of[op]
            for op in range(len(ops))
            if op not in layout.frozen
            and layout.job_of[op] != late_job
            and current[ops[op].id].machine_id in machines
            and since <= current[ops[op].id].start < until
        }
    )
    rng.shuffle(rivals)
    chosen = set(own)
    for job in rivals:
        if len(chosen) >= size:
            break
        chosen.update(
            op
            for op in members[job]
            if op not in layout.frozen
            and current[ops[op].id].machine_id in machines
            and since <= current[ops[op].id].start < until
        )
    return chosen


def _members(layout: Layout) -> list[list[int]]:
    members: list[list[int]] = [[] for _ in layout.jobs]
    for op, job in enumerate(layout.job_of):
        members[job].append(op)
    return members


def _late_jobs(search: Search, current) -> list[int]:
    """Positions of the late jobs that still have a movable operation."""
    layout = search.layout
    members = _members(layout)
    late = []
    for j, job in enumerate(layout.jobs):
        if job.due is None or job.weight == 0 or all(op in layout.frozen for op in members[j]):
            continue
        if max(current[layout.operations[op].id].end for op in members[j]) > job.due:
            late.append(j)
    return late


def _score(search: Search, plan: Mapping[Id, Assignment]) -> tuple[int, int]:
    """(primary objective, sum of ends of movable operations) of a complete plan."""
    layout = search.layout
    ops = layout.operations
    if search.objective == "tardiness":
        measure = 0
        for job in layout.jobs:
            end = max(plan[op.id].end for op in job.operations)
            if job.due is not None:
                measure += job.weight * max(0, end - job.due)
    else:
        measure = max(a.end for a in plan.values())
    moved = 0
    if search.previous is not None and search.stability_weight:
        for op in range(len(ops)):
            before = search.previous.get(ops[op].id)
            after = plan[ops[op].id]
            if (
                op not in layout.frozen
                and before is not None
                and (before.machine_id, before.start)
                != (
                    after.machine_id,
                    after.start,
                )
            ):
                moved += 1
    ends = sum(plan[ops[op].id].end for op in range(len(ops)) if op not in layout.frozen)
    return measure + search.stability_weight * moved, ends
