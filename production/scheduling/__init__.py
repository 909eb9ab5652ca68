"""The production scheduling engine: pure Python and OR-Tools CP-SAT, no Django.

Build a Problem from rows (work centers -> Machine, their shifts -> `unavailable` via
`closures_from_openings`, work orders -> Job, routing steps -> Operation with one Alternative
per eligible work center, started or pinned steps -> FrozenAssignment). Ids are whatever the
caller uses (primary keys, strings); the Schedule comes back keyed by the same ids. Times are
integer minutes from an origin the caller picks.

    validate(problem)                      -> None, or PlanningError naming the job/operation/machine
    solve(problem, *, time_limit=10.0, seed=0, workers=2, objective="tardiness",
          hint=None, stability_weight=0, deterministic=True) -> Schedule
                                           (CP-SAT; large floors improved by neighbourhoods;
                                            same seed, same plan when schedule.reproducible)
    dispatch(problem, rule="edd")          -> Schedule  (rules "edd", "atc", "mwkr"; fast, feasible)
    replan(previous, problem, *, time_limit=5.0, seed=0, workers=2, objective="tardiness",
           stability_weight=120, deterministic=True) -> Replan(schedule, moved_operations)
    with_job / with_downtime / with_frozen / advance_to   build the changed problem for replan
    verify(problem, schedule)              -> list of violations ([] = feasible)
    load_instance(path, format=None)       -> Problem  (OR-Library .txt, Brandimarte .fjs;
                                              InstanceFormatError with the line number)

Every function returns new values and changes none of its arguments.
"""

from .calendars import closures_from_openings
from .check import verify
from .heuristic import dispatch
from .instances import InstanceFormatError, load_instance, parse_fjsp, parse_jssp
from .model import (
    Alternative,
    Assignment,
    FrozenAssignment,
    Job,
    Machine,
    Operation,
    Problem,
    Schedule,
)
from .replan import Replan, advance_to, moved_operations, replan, with_downtime, with_frozen, with_job
from .validation import PlanningError, validate


def __getattr__(name):
    # The solver's modules import OR-Tools (and through it pandas, about 90 MB): they are loaded by
    # the first plan asked for, not by every process that reads a calendar or a plan's rows.
    if name == "solve":
        from .solver import solve

        return solve
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "Alternative",
    "Assignment",
    "FrozenAssignment",
    "InstanceFormatError",
    "Job",
    "Machine",
    "Operation",
    "PlanningError",
    "Problem",
    "Replan",
    "Schedule",
    "advance_to",
    "closures_from_openings",
    "dispatch",
    "load_instance",
    "moved_operations",
    "parse_fjsp",
    "parse_jssp",
    "replan",
    "solve",
    "validate",
    "verify",
    "with_downtime",
    "with_frozen",
    "with_job",
]
