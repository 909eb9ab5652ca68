"""Improve a makespan plan by re-sequencing: small CP-SAT models in which only a few operations
choose their machine and place, while every other operation keeps its machine and its order there.

CP-SAT given a whole flexible job shop of a few hundred operations spends most of a short run in
its full-problem workers (on mk10, 240 operations, minutes of wall time per deterministic unit
on two cores) and stalls far from the best known makespan. lns.py's neighbourhoods are no help
for makespan: everything outside them is fixed in time, so the plan cannot close up around a
change. Here the operations outside a neighbourhood are pinned to their machine and keep their
order on it, but their times float (as in CP-SAT's own precedence neighbourhoods): moving one
operation off the critical path lets everything behind it move up.

Neighbourhoods are runs of operations consecutive by start, centred on a critical operation
(one on a chain of back-to-back operations that ends at the makespan) or anywhere, or the whole
routings of a few jobs. Among plans of equal makespan, lower sums of job completion times are
preferred, which gives the search a slope on makespan's plateaus. Each round solves `workers`
neighbourhoods at once, in threads, and keeps the best answer. A seeded generator draws the
neighbourhoods and, in deterministic mode, each solve is one CP-SAT worker cut by deterministic
time, so the result is a function of the seed.
"""

import itertools
import random
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor

from ortools.sat.python import cp_model

from .formulation import PlanModel
from .lns import Search
from .model import Assignment, Id

START_SIZE = 30  # operations freed in the first neighbourhood
MIN_SIZE = 10
MAX_SIZE = 120
SOLVE_DETERMINISTIC_TIME = 0.1
BUILD_CHARGE = 0.02  # budget charged per neighbourhood for building its model in Python
CRITICAL_SHARE = 0.6  # of neighbourhoods centred on a critical operation
JOBS_SHARE = 0.2  # of neighbourhoods made of whole routings


def resequence(search: Search, assignments: Mapping[Id, Assignment]) -> dict[Id, Assignment]:
    """A plan at least as good as `assignments` by (makespan, sum of job completions).

    Only for objective="makespan" without a stability price. Frozen operations stay put.
    """
    layout = search.layout
    rng = random.Random(search.seed)  # noqa: S311  (a reproducible search, not a secret)
    current = dict(assignments)
    score = _score(layout, current)
    movable = [op for op in range(len(layout.operations)) if op not in layout.frozen]
    if not movable:
        return current
    size = min(START_SIZE, len(movable))
    spent = 0.0
    rounds = 0
    with ThreadPoolExecutor(max_workers=search.workers) as pool:
        while (not search.deterministic or spent < search.budget) and time.perf_counter() < search.wall_deadline:
            rounds += 1
            models = [
                _model(search, current, _neighbourhood(layout, current, movable, size, rng))
                for _ in range(search.workers)
            ]
            seeds = [search.seed + rounds * search.workers + k for k in range(len(models))]
            answers = list(
                pool.map(_answer, [search] * len(models), models, seeds, [search.budget - spent] * len(models))
            )
            spent += sum(dtime for _, dtime, _ in answers) + BUILD_CHARGE * len(models)
            optimal = sum(status == cp_model.OPTIMAL for status, _, _ in answers)
            for _, _, plan in answers:
                if plan is None:
                    continue
                candidate_score = _score(layout, plan)
                if candidate_score < score:
                    search.found_at = round(time.perf_counter() - search.began, 3)
                    if candidate_score[0] < score[0]:
                        search.improvements.append((search.found_at, candidate_score[0]))
                    current, score = plan, candidate_score
            grow = optimal * 2 >= len(answers)
            size = min(MAX_SIZE, len(movable), int(size * 1.2) + 1) if grow else max(MIN_SIZE, int(size * 0.8))
    search.stopped_by_clock = spent < search.budget or time.perf_counter() >= search.wall_deadline
    return current


def _model(search: Search, current: Mapping[Id, Assignment], chosen: set[int]) -> PlanModel:
    """The plan's model with `chosen` free and every other movable operation pinned in order."""
    layout = search.layout
    ops = layout.operations
    pinned = {
        op: current[ops[op].id].machine_id for op in range(len(ops)) if op not in chosen and op not in layout.frozen
    }
    horizon = max(a.end for a in current.values())
    sub = PlanModel(layout, horizon, pinned=pinned)
    by_machine: dict[Id, list[int]] = {}
    for op in sorted(pinned, key=lambda op: (current[ops[op].id].start, op)):
        by_machine.setdefault(pinned[op], []).append(op)
    for machine_id, sequence in by_machine.items():
        if layout.machines[machine_id].capacity == 1:
            for before, after in itertools.pairwise(sequence):
                sub.model.add(sub.start[after] >= sub.end[before])
    last = [sub.end[op] for op in sub.end if not any(succ in sub.end for succ in layout.successors[op])]
    scale = len(last) * (horizon - layout.problem.horizon_start) + 1
    sub.model.minimize(sub.makespan * scale + sum(last))
    sub.hint(current)
    return sub


def _answer(search: Search, sub: PlanModel, seed: int, left: float):
    """(status, deterministic time, the new plan or None)."""
    solver = cp_model.CpSolver()
    params = solver.parameters
    params.random_seed = seed
    params.num_workers = 1
    params.max_time_in_seconds = max(0.05, search.wall_deadline - time.perf_counter())
    if search.deterministic:
        params.max_deterministic_time = max(0.01, min(SOLVE_DETERMINISTIC_TIME, left))
    else:
        params.max_time_in_seconds = min(params.max_time_in_seconds, 2 * SOLVE_DETERMINISTIC_TIME)
    status = solver.solve(sub.model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return status, solver.deterministic_time, None
    return status, solver.deterministic_time, sub.read(solver)


def _neighbourhood(layout, current, movable: list[int], size: int, rng: random.Random) -> set[int]:
    ops = layout.operations
    draw = rng.random()
    if draw < JOBS_SHARE:
        jobs = sorted({layout.job_of[op] for op in movable})
        rng.shuffle(jobs)
        chosen: set[int] = set()
        members = {}
        for op in movable:
            members.setdefault(layout.job_of[op], []).append(op)
        for job in jobs:
            if len(chosen) >= size:
                break
            chosen.update(members[job])
        return chosen
    order = sorted(movable, key=lambda op: (current[ops[op].id].start, op))
    if draw < JOBS_SHARE + CRITICAL_SHARE:
        critical = _critical(layout, current, movable)
        centre = order.index(rng.choice(critical))
    else:
        centre = rng.randrange(len(order))
    first = max(0, min(len(order) - size, centre - size // 2))
    return set(order[first : first + size])


def _critical(layout, current, movable: list[int]) -> list[int]:
    """Movable operations on a chain of back-to-back operations (in a job or on a machine) that
    ends at the makespan: to shorten the plan, one of them has to move.
    """
    ops = layout.operations
    plan = [current[op.id] for op in ops]
    makespan = max(a.end for a in plan)
    ending_at: dict[tuple[Id, int], list[int]] = {}
    for op, a in enumerate(plan):
        ending_at.setdefault((a.machine_id, a.end), []).append(op)
    marked = {op for op, a in enumerate(plan) if a.end == makespan}
    stack = list(marked)
    while stack:
        op = stack.pop()
        a = plan[op]
        before = [p for p in layout.predecessors[op] if plan[p].end == a.start]
        before += ending_at.get((a.machine_id, a.start), [])
        for p in before:
            if p not in marked:
                marked.add(p)
                stack.append(p)
    critical = sorted(op for op in movable if op in marked)
    return critical or movable


def _score(layout, plan: Mapping[Id, Assignment]) -> tuple[int, int]:
    """(makespan, sum of job completions)."""
    ends = [max(plan[op.id].end for op in job.operations) for job in layout.jobs if job.operations]
    return max(ends, default=layout.problem.horizon_start), sum(ends)
