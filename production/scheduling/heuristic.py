"""List scheduling with dispatching rules: a fast, deterministic plan that respects every constraint.

At each step the operations whose predecessors are placed compete; each is placed where it would
finish first (earliest-finish machine among its alternatives, into the first open gap of that
machine's calendar). As in Giffler and Thompson's active schedules, only operations that could
start before the earliest of those finishes compete, and the rule picks among them:

- "edd": earliest job due date first (jobs without a due date last), heavier jobs first on ties;
- "atc": apparent tardiness cost (Vepsalainen and Morton): weight over length, discounted by
  the job's slack, for weighted tardiness;
- "mwkr": most work remaining in the job first, for makespan.

The plan is the CP-SAT model's starting hint and the fallback when CP-SAT finds nothing in time.
"""

import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

from .calendars import first_fit
from .graph import Layout, lay_out
from .model import Assignment, Id, Problem, Schedule, build_schedule
from .validation import validate

Rule = Literal["edd", "atc", "mwkr"]
RULES: tuple[Rule, ...] = ("edd", "atc", "mwkr")
ATC_LOOKAHEAD = 2.0  # Vepsalainen and Morton's k; 1.5 to 3 work well for weighted tardiness


def dispatch(problem: Problem, rule: Rule = "edd") -> Schedule:
    """Plan `problem` with one dispatching rule. Validates first (PlanningError).

    Guarantees a feasible plan (calendars, capacities, releases, precedence, frozen work kept);
    the same problem always gives the same plan.
    """
    validate(problem)
    return dispatch_layout(lay_out(problem), rule)


@dataclass
class _Lane:
    """One unit of a machine's capacity: its busy spans, sorted and disjoint."""

    starts: list[int]
    ends: list[int]

    def occupy(self, start: int, end: int) -> None:
        i = 0
        while i < len(self.starts) and self.ends[i] < start:
            i += 1
        j = i
        while j < len(self.starts) and self.starts[j] <= end:
            start = min(start, self.starts[j])
            end = max(end, self.ends[j])
            j += 1
        self.starts[i:j] = [start]
        self.ends[i:j] = [end]


def _lanes(layout: Layout) -> dict[Id, list[_Lane]]:
    lanes = {}
    for machine_id, machine in layout.machines.items():
        closures = layout.closures[machine_id]
        lanes[machine_id] = [_Lane([s for s, _ in closures], [e for _, e in closures]) for _ in range(machine.capacity)]
    # Frozen work goes first, by start, each into the first lane whose frozen work has ended
    # (interval colouring, so no lane holds two overlapping frozen operations).
    frozen_end: dict[Id, list[int]] = {m: [-math.inf] * machine.capacity for m, machine in layout.machines.items()}
    for frozen in sorted(layout.frozen.values(), key=lambda f: (f.start, f.end)):
        ends = frozen_end[frozen.machine_id]
        lane = next(k for k, end in enumerate(ends) if end <= frozen.start)
        ends[lane] = frozen.end
        lanes[frozen.machine_id][lane].occupy(frozen.start, frozen.end)
    return lanes


def dispatch_layout(
    layout: Layout,
    rule: Rule,
    *,
    follow: Mapping[Id, Assignment] | None = None,
) -> Schedule:
    """Dispatch on an indexed problem. With `follow`, replay a previous plan instead of a rule.

    Following a plan places its operations in the order of their previous starts, each on its
    previous machine no earlier than its previous start, so that operations untouched by a change
    land where they were; operations new to the plan come last, by due date, into the gaps left.
    """
    began = time.perf_counter()
    ops = layout.operations
    lanes = _lanes(layout)
    ready_at = [layout.earliest_start(i) for i in range(len(ops))]
    waiting = [len(preds) for preds in layout.predecessors]
    remaining = [0] * len(layout.jobs)
    shortest = [min(alt.length for alt in op.alternatives) for op in ops]
    assignments: dict[Id, Assignment] = {}

    def release(op: int, end: int) -> None:
        for succ in layout.successors[op]:
            ready_at[succ] = max(ready_at[succ], end)
            waiting[succ] -= 1

    for i in range(len(ops)):
        if i in layout.frozen:
            continue
        remaining[layout.job_of[i]] += shortest[i]
    for i, frozen in sorted(layout.frozen.items()):
        assignments[ops[i].id] = Assignment(frozen.machine_id, frozen.start, frozen.end)
        release(i, frozen.end)

    ready = [i for i in range(len(ops)) if waiting[i] == 0 and i not in layout.frozen]
    cache: dict[int, tuple[int, int, int, int]] = {}
    watchers: dict[Id, set[int]] = {m: set() for m in layout.machines}
    priority = _priority(layout, rule, follow, remaining)

    def placement(op: int) -> tuple[int, int, int, int]:
        """(start, end, alternative, lane) finishing first, ties to the earlier alternative and lane."""
        if op in cache:
            return cache[op]
        best = None
        earliest = ready_at[op]
        alternatives = list(enumerate(ops[op].alternatives))
        previous = follow.get(ops[op].id) if follow is not None else None
        if previous is not None:
            kept = [(k, alt) for k, alt in alternatives if alt.machine_id == previous.machine_id]
            alternatives = kept or alternatives
            earliest = max(earliest, previous.start)
        for k, alt in alternatives:
            for lane_no, lane in enumerate(lanes[alt.machine_id]):
                start = first_fit(lane.starts, lane.ends, earliest, alt.length)
                candidate = (start + alt.length, start, k, lane_no)
                if best is None or candidate < best:
                    best = candidate
        end, start, k, lane_no = best
        cache[op] = (start, end, k, lane_no)
        for _, alt in alternatives:
            watchers[alt.machine_id].add(op)
        return cache[op]

    while ready:
        placed = {op: placement(op) for op in ready}
        first_end = min(end for _, end, _, _ in placed.values())
        contest = [op for op in ready if placed[op][0] < first_end]
        now = min(placed[op][0] for op in contest)
        mean = sum(placed[op][1] - placed[op][0] for op in contest) / len(contest)
        chosen = min(contest, key=lambda op: priority(op, placed[op], now, mean))
        start, end, k, lane_no = placed[chosen]
        alt = ops[chosen].alternatives[k]
        lanes[alt.machine_id][lane_no].occupy(start, end)
        assignments[ops[chosen].id] = Assignment(alt.machine_id, start, end)
        remaining[layout.job_of[chosen]] -= shortest[chosen]
        ready.remove(chosen)
        cache.pop(chosen)
        for op in watchers[alt.machine_id]:
            cache.pop(op, None)
        watchers[alt.machine_id].clear()
        release(chosen, end)
        ready.extend(succ for succ in layout.successors[chosen] if waiting[succ] == 0)

    seconds = time.perf_counter() - began
    # Operations are placed in precedence order, so `assignments` follows the problem's order only
    # after this rebuild; plans compare equal regardless of the order they were found in.
    ordered = {op.id: assignments[op.id] for op in ops}
    return build_schedule(
        layout.problem, ordered, status="heuristic", method="heuristic", seconds=seconds, found_seconds=seconds
    )


def _priority(layout: Layout, rule: Rule, follow, remaining) -> Callable:
    """A key to minimise among competing operations: the rule's preference, then start, then position."""
    ops = layout.operations
    jobs = layout.jobs
    job_of = layout.job_of

    def due(op: int) -> float:
        value = jobs[job_of[op]].due
        return math.inf if value is None else value

    if follow is not None:
        return lambda op, place, now, mean: (
            follow[ops[op].id].start if ops[op].id in follow else math.inf,
            due(op),
            -jobs[job_of[op]].weight,
            place[0],
            op,
        )
    if rule == "edd":
        return lambda op, place, now, mean: (due(op), -jobs[job_of[op]].weight, place[0], op)
    if rule == "mwkr":
        return lambda op, place, now, mean: (-remaining[job_of[op]], place[0], op)
    if rule == "atc":

        def atc(op, place, now, mean):
            length = place[1] - place[0]
            slack = max(0.0, due(op) - now - remaining[job_of[op]])
            urgency = 0.0 if slack == math.inf else math.exp(-slack / (ATC_LOOKAHEAD * mean))
            return (-jobs[job_of[op]].weight * urgency / length, due(op), place[0], op)

        return atc
    raise ValueError(f"unknown dispatching rule {rule!r}; choose one of {', '.join(RULES)}")


def best_dispatch(layout: Layout, objective: str) -> Schedule:
    """The best plan of the rules suited to `objective`, measured on it (ties to the earlier rule)."""
    rules: tuple[Rule, ...] = ("mwkr", "edd", "atc") if objective == "makespan" else ("edd", "atc", "mwkr")
    plans = [dispatch_layout(layout, rule) for rule in rules]
    if objective == "makespan":
        return min(plans, key=lambda s: (s.makespan, s.weighted_tardiness))
    return min(plans, key=lambda s: (s.weighted_tardiness, s.makespan))
