"""The vocabulary of a planning problem and of its answer.

Time is integer minutes from a horizon origin chosen by the caller (for example, Monday 00:00 of
the planning week). Ids are opaque hashables (database primary keys, strings): the engine only
compares them, so a caller maps a Schedule back to its rows by the same ids it put in.
"""

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from typing import Literal

Id = Hashable
Window = tuple[int, int]
"""A half-open span of minutes [start, end)."""


@dataclass(frozen=True)
class Machine:
    """A work center. `capacity` operations may run on it at once (1 for a single machine).

    `unavailable` lists the spans when it is closed (outside shifts, breaks, holidays, downtime):
    no operation may overlap them, and operations are not split across them.
    """

    id: Id
    name: str = ""
    capacity: int = 1
    unavailable: tuple[Window, ...] = ()


@dataclass(frozen=True)
class Alternative:
    """One way to run an operation: on `machine_id`, occupying it for `setup + duration` minutes."""

    machine_id: Id
    duration: int
    setup: int = 0

    @property
    def length(self) -> int:
        return self.setup + self.duration


@dataclass(frozen=True)
class Operation:
    """A step of a job, run on exactly one of its alternatives, after all its predecessors end.

    Predecessors are ids of operations of the same job; together they may form any acyclic graph.
    """

    id: Id
    job_id: Id
    alternatives: tuple[Alternative, ...]
    predecessors: tuple[Id, ...] = ()


@dataclass(frozen=True)
class Job:
    """A work order: its operations may not start before `release` and should end by `due`.

    `weight` scales its tardiness (rush orders, loyalty tiers weigh more).
    """

    id: Id
    operations: tuple[Operation, ...]
    release: int = 0
    due: int | None = None
    weight: int = 1


@dataclass(frozen=True)
class FrozenAssignment:
    """An operation that is running or done, or pinned by the planner: it stays exactly here.

    Its times are facts, so they may differ from its alternatives' durations and overlap a
    closure (a job that ran into the break).
    """

    operation_id: Id
    machine_id: Id
    start: int
    end: int


@dataclass(frozen=True)
class Problem:
    """Everything the engine needs to plan. Nothing may start before `horizon_start` unless frozen.

    `horizon_end`, when given, is a deadline for every operation; calendars are then checked for
    room before the horizon ends. Without it the horizon is open-ended: after a machine's last
    closure it is taken to be open.
    """

    machines: tuple[Machine, ...]
    jobs: tuple[Job, ...]
    frozen: tuple[FrozenAssignment, ...] = ()
    horizon_start: int = 0
    horizon_end: int | None = None


@dataclass(frozen=True)
class Assignment:
    """Where and when an operation runs: on `machine_id` over [start, end)."""

    machine_id: Id
    start: int
    end: int


Status = Literal["optimal", "feasible", "heuristic"]
Method = Literal["cp-sat", "tabu", "heuristic"]


@dataclass(frozen=True)
class Schedule:
    """A plan: one assignment per operation, its objective figures and how it was found.

    `status` is "optimal" when CP-SAT proved the objective optimal, "feasible" when it stopped
    at its time limit, "heuristic" when the plan comes from the dispatching rules. `method` says
    what found the returned plan: "cp-sat", "tabu" (the tabu search, from CP-SAT's plan, on shops
    without calendars) or "heuristic".
    `lower_bound` is the bound CP-SAT proved on the primary objective (weighted tardiness, or
    makespan for objective="makespan"; stability penalties included when asked for).
    `found_seconds` is when the returned plan was found, `seconds` the whole run;
    `improvements` lists (seconds, primary objective) for each better plan found.
    `reproducible` is False when the same call could return another plan: the search was not
    in deterministic mode, or was cut by the wall-clock safety cap before its deterministic
    budget ran out.
    """

    assignments: Mapping[Id, Assignment]
    status: Status
    method: Method
    makespan: int
    weighted_tardiness: int
    completion: Mapping[Id, int]
    tardiness: Mapping[Id, int]
    seconds: float = 0.0
    found_seconds: float = 0.0
    lower_bound: int | None = None
    proved_optimal: bool = False
    improvements: tuple[tuple[float, int], ...] = field(default=())
    reproducible: bool = True


def build_schedule(problem: Problem, assignments: Mapping[Id, Assignment], **how) -> Schedule:
    """Wrap assignments into a Schedule whose figures are computed from the assignments themselves.

    `how` carries status, method and solver statistics. The figures never come from a solver's
    internal variables, so a heuristic plan and a CP-SAT plan are measured the same way.
    """
    completion = {}
    tardiness = {}
    weighted = 0
    for job in problem.jobs:
        end = max((assignments[op.id].end for op in job.operations), default=problem.horizon_start)
        completion[job.id] = end
        late = max(0, end - job.due) if job.due is not None else 0
        tardiness[job.id] = late
        weighted += job.weight * late
    makespan = max(completion.values(), default=problem.horizon_start)
    return Schedule(
        assignments=dict(assignments),
        makespan=makespan,
        weighted_tardiness=weighted,
        completion=completion,
        tardiness=tardiness,
        **how,
    )
