"""Plan with CP-SAT, starting from a dispatching plan, falling back to it when CP-SAT finds nothing.

The objective is lexicographic, solved in two stages rather than as one big-M sum (whose huge
coefficients weaken CP-SAT's bounds): stage 1 minimises the primary objective, weighted
tardiness (plus `stability_weight` per moved operation when re-planning); stage 2 keeps the
primary at or below the best value found and minimises makespan. With objective="makespan"
there is one stage, makespan (plus the stability term).

Large models (more than LNS_THRESHOLD intervals: one per alternative of each operation to place,
one per closure within the horizon) are not given to CP-SAT whole: on 2 cores it spends the
time limit loading and presolving them. Their starting plan is improved neighbourhood by
neighbourhood instead (see lns), optimising the primary objective; no bound is proved then
(lower_bound None). Intervals, not operations, measure the size: a 2,000-operation job shop
with no calendars (2,000 intervals) does better whole than in neighbourhoods, the 2,516-operation
factory with calendars (5,400 intervals) does not.

Determinism. CP-SAT is reproducible for a given model, seed and worker count only when both the
search and its stopping point are: its parallel portfolio is thread-timed unless
`interleave_search` is set (then subsolvers run in deterministic batches, whatever the worker
count), and a wall-clock limit stops the same search at a load-dependent point. So with
`deterministic=True` (the default) `time_limit` is spent as CP-SAT deterministic time
(`max_deterministic_time`) with interleaved search. Deterministic time is not seconds: on this
2-core machine one second bought 0.13 (mk02) to 0.6 (ft10) units, so DETERMINISTIC_TIME_PER_SECOND
is set low, and `time_limit` itself stays a hard wall-clock limit (WALL_CAP_FACTOR 1.0): a
planner who asks for 30 s gets an answer within 30 s. A run cut by the clock before its
deterministic budget ran out is no longer guaranteed reproducible, and its Schedule says so
(`reproducible`). With
`deterministic=False` the full parallel portfolio runs against the wall clock: usually faster to
good plans, not reproducible.
"""

import math
import time
from collections.abc import Mapping
from dataclasses import replace
from typing import Literal

from ortools.sat.python import cp_model

from .formulation import PlanModel
from .graph import Layout, lay_out
from .heuristic import best_dispatch, dispatch_layout
from .lns import Search, improve
from .model import Assignment, Id, Problem, Schedule, build_schedule
from .tabu import applies as tabu_applies
from .tabu import improve_makespan
from .validation import PlanningError, validate

Objective = Literal["tardiness", "makespan"]
DETERMINISTIC_TIME_PER_SECOND = 0.15
# Intervals in the whole model; above it the plan is improved neighbourhood by neighbourhood. On
# 23 November 2026, job shops of 50 x 15 and 100 x 20 came out 7.5 % and 1.5 % shorter whole
# (60 s), while the factory's whole model barely moved off its starting plan in 30 s.
LNS_THRESHOLD = 4000
# Calibrated on the 2-core machine, idle: 0.45 once fitted 30 s, but on 23 November 2026 it ran
# into the wall cap (45 s, no longer reproducible); 0.3 plans the 500-order factory in 26.6 s.
LNS_DETERMINISTIC_TIME_PER_SECOND = 0.3
# The time limit is a promise to the caller: 1.5 was tried and let a 60 s run take 90 s.
WALL_CAP_FACTOR = 1.0
# Tasks per deterministic batch. CP-SAT's automatic size (6 on 2 workers) spends each batch on
# full-problem subsolvers of about one deterministic unit each, so its neighbourhood subsolvers
# ran once in a 60 s run on ta51. With 24: mk10 216 instead of 224, ta51 3213 instead of 3303,
# ft10 still found at 6.6 s and proved at 24.9 s (23 November 2026).
INTERLEAVE_BATCH_SIZE = 24
PRIMARY_SHARE = 0.8  # of the time left for stage 1 when a makespan stage follows
# Shops without calendars, objective makespan: CP-SAT gets the time limit but this share, which
# then goes to the tabu search from CP-SAT's plan (see tabu). A half rather than 0.3: ta51 2767
# against 2824, mk10 201 against 204, ft10 still proved at 12.7 s, mk06 and mk07 the same
# (3 December 2026). The search does 2.9 (ta51) to 5.7 (ft10) million units of work a second on
# the idle 2-core machine, but at 3 million a second mk02, mk05, mk06 and mk07 ran into the wall
# clock (fewer operations, more moves looked at per re-timing): 2 million keeps them inside it.
TABU_SHARE = 0.5
TABU_WORK_PER_SECOND = 2_000_000
# Plain job shops (one eligible machine per step; no calendars, objective makespan: the OR-Library
# and Taillard instances) run faster in both units than the flexible ones the two rates above are
# set for: CP-SAT with two interleaved workers did about 0.55-0.6 deterministic units per second
# of both cores on Taillard's 15 x 15 shops (mk02: 0.13), the tabu search 8-9 million units of
# work per CPU second (mk02: under 3), measured in CPU time on the loaded machine on 7 December
# 2026. With the flexible rates a 60 s plan of ta01-ta10 ended after about 35 s. So they get their
# own rates, and three phases (0.42 at first left 34-56 s of the 60 used; 0.6 uses 47-56 s on the
# idle machine, every run inside the clock and reproducible, the margin being one CP-SAT batch):
# CP-SAT from the dispatching plan (it proves ft10 and ta01 there), the tabu search from its plan,
# then CP-SAT again with that plan as its hint and upper bound (ta02 1249 -> 1244, ta03 1221 -> 1218
# in that last phase). Shares of the time limit:
JOB_SHOP_DETERMINISTIC_TIME_PER_SECOND = 0.6
JOB_SHOP_TABU_WORK_PER_SECOND = 6_000_000
# The tenth left over is the margin for CP-SAT batches that overshoot (see _job_shop). The tabu
# search had 0.2 at first and improved none of ta02-ta06 in it (7 December 2026): halved.
# OR-Tools 9.15 crashes the process (a segfault, about 22 s in) on Taillard's ta01-ta10 instance
# ta07 with seed 0 inside this neighbourhood subsolver; without it every instance runs (7 Dec 2026).
JOB_SHOP_IGNORED_SUBSOLVERS = ("scheduling_precedences_lns",)
JOB_SHOP_SHARES = (0.35, 0.1, 0.45)  # CP-SAT, tabu, CP-SAT from the tabu search's plan


def solve(
    problem: Problem,
    *,
    time_limit: float = 10.0,
    seed: int = 0,
    workers: int = 2,
    objective: Objective = "tardiness",
    hint: Schedule | None = None,
    stability_weight: int = 0,
    deterministic: bool = True,
) -> Schedule:
    """The best plan CP-SAT finds within `time_limit` seconds; never worse than the dispatching plan.

    Validates first (PlanningError). The CP-SAT search starts from a complete feasible plan:
    the best dispatching rule, or `hint` (a previous plan) replayed onto this problem. With
    `stability_weight` > 0 and a `hint`, each operation that leaves the hint's machine or start
    costs that much in the primary objective (weighted minutes of tardiness, or minutes of
    makespan). If CP-SAT finds no plan in time, the starting plan is returned (method
    "heuristic"). Raises PlanningError when CP-SAT proves that no plan fits the horizon, or
    finds none that does in time.
    """
    if objective not in ("tardiness", "makespan"):
        raise ValueError(f"objective must be 'tardiness' or 'makespan', not {objective!r}")
    began = time.perf_counter()
    validate(problem)
    how = {"seed": seed, "workers": workers, "deterministic": deterministic}
    layout = lay_out(problem)
    previous = hint.assignments if hint is not None else None
    if previous is not None:
        start_plan = dispatch_layout(layout, "edd", follow=previous)
    else:
        start_plan = best_dispatch(layout, objective)
    kept = previous if stability_weight else None
    horizon = _horizon(problem, start_plan)
    if _intervals(layout, horizon) > LNS_THRESHOLD:
        return _improve_large(layout, start_plan, began, time_limit, objective, stability_weight, kept, **how)
    plan_model = PlanModel(layout, horizon, previous=kept)
    tabu_after = objective == "makespan" and not stability_weight and tabu_applies(layout)
    if tabu_after and _plain_job_shop(layout):
        return _job_shop(plan_model, layout, start_plan, began, time_limit, **how)
    share = 1.0 - TABU_SHARE if tabu_after else 1.0
    search = _Search(plan_model, began, time_limit, share=share, **how)
    schedule = search.run(objective, stability_weight, start_plan, layout)
    if tabu_after and not schedule.proved_optimal:
        schedule = _tabu_finish(layout, schedule, began, time_limit, **how)
    return schedule


def _plain_job_shop(layout: Layout) -> bool:
    """Every operation has one eligible machine (a job shop, not a flexible one)."""
    return all(len(operation.alternatives) == 1 for operation in layout.operations)


def _job_shop(plan_model, layout, start_plan, began, time_limit, *, seed, workers, deterministic) -> Schedule:
    """Plain job shops for makespan: CP-SAT, the tabu search from its plan, CP-SAT from the tabu
    search's plan (JOB_SHOP_SHARES of the limit), stopping as soon as a plan is proved optimal.

    In deterministic mode each phase's budget is deterministic (CP-SAT's deterministic time, the
    tabu search's work), so the whole run is reproducible unless the wall clock cuts a phase. The
    two CP-SAT phases draw on one budget: the second gets what the first left. CP-SAT runs in
    batches of INTERLEAVE_BATCH_SIZE tasks (6-8 deterministic units each on a 15 x 15 shop, about
    12 s here) and checks its limit only between batches, so a phase overshoots its share by up to
    a batch; counting what it really used keeps the total in hand. The clock guards only the
    whole limit: a phase that runs past its share is not cut while the limit holds, so a run on an
    idle machine does not depend on where a batch ended. Without deterministic mode each phase
    runs on the clock until its share of the limit has passed.
    """
    how = {"seed": seed, "workers": workers, "deterministic": deterministic}
    avoid = {"ignored_subsolvers": JOB_SHOP_IGNORED_SUBSOLVERS}
    first, tabu, last = JOB_SHOP_SHARES
    rate = JOB_SHOP_DETERMINISTIC_TIME_PER_SECOND
    pool = time_limit * rate * (first + last)
    wall_share = 1.0 if deterministic else first
    search = _Search(plan_model, began, time_limit, share=first, wall_share=wall_share, rate=rate, **avoid, **how)
    schedule = search.run("makespan", 0, start_plan, layout)
    used = search.deterministic_used
    if schedule.proved_optimal:
        return schedule
    schedule = _tabu_finish(
        layout,
        schedule,
        began,
        time_limit,
        share=tabu,
        work_rate=JOB_SHOP_TABU_WORK_PER_SECOND,
        until=first + tabu,
        **how,
    )
    if schedule.proved_optimal or (deterministic and used >= pool):
        return schedule
    # The rest: CP-SAT from the tabu search's plan, bounded by it (so never worse).
    plan_model.model.add(plan_model.makespan <= schedule.makespan)
    search = _Search(plan_model, began, time_limit, share=first + last, wall_share=1.0, rate=rate, **avoid, **how)
    search.deterministic_used = used
    again = search.run("makespan", 0, schedule, layout)
    reproducible = schedule.reproducible and again.reproducible
    bounds = [b for b in (schedule.lower_bound, again.lower_bound) if b is not None]
    lower_bound = max(bounds) if bounds else None
    if again.makespan < schedule.makespan:
        proved = again.proved_optimal or (lower_bound is not None and again.makespan <= lower_bound)
        return replace(
            again,
            status="optimal" if proved else "feasible",
            lower_bound=lower_bound,
            proved_optimal=proved,
            improvements=schedule.improvements + again.improvements,
            reproducible=reproducible,
        )
    # CP-SAT found nothing shorter: the tabu search's plan, proved if CP-SAT closed the gap.
    proved = lower_bound is not None and schedule.makespan <= lower_bound
    return replace(
        schedule,
        status="optimal" if proved else "feasible",
        lower_bound=lower_bound,
        proved_optimal=proved,
        seconds=round(time.perf_counter() - began, 3),
        reproducible=reproducible,
    )


def _tabu_finish(
    layout, schedule, began, time_limit, *, seed, workers, deterministic, share=None, work_rate=None, until=1.0
) -> Schedule:
    """CP-SAT's plan improved by the tabu search in the time left (`share` of the limit, by
    default TABU_SHARE, ending with the limit).

    In deterministic mode the search's budget is work (`work_rate` units a second of its share,
    by default TABU_WORK_PER_SECOND), with the wall-clock cap as a guard. CP-SAT's bound still
    holds: a plan that reaches it is proved optimal. Without deterministic mode it runs against
    the clock until `until` of the limit.
    """
    share = TABU_SHARE if share is None else share
    work_rate = TABU_WORK_PER_SECOND if work_rate is None else work_rate
    if deterministic:
        budget, deadline = int(share * time_limit * work_rate), WALL_CAP_FACTOR * time_limit
    else:
        budget, deadline = 1 << 62, until * time_limit
    found = improve_makespan(
        layout, schedule.assignments, budget=budget, wall_deadline=began + deadline, seed=seed, began=began
    )
    reproducible = schedule.reproducible and not found.stopped_by_clock
    seconds = round(time.perf_counter() - began, 3)
    if found.makespan >= schedule.makespan:
        return replace(schedule, seconds=seconds, reproducible=reproducible)
    proved = schedule.lower_bound is not None and found.makespan <= schedule.lower_bound
    return build_schedule(
        layout.problem,
        found.assignments,
        status="optimal" if proved else "feasible",
        method="tabu",
        seconds=seconds,
        found_seconds=found.found_at,
        lower_bound=schedule.lower_bound,
        proved_optimal=proved,
        improvements=schedule.improvements + tuple(found.improvements),
        reproducible=reproducible,
    )


def _improve_large(
    layout, start_plan, began, time_limit, objective, stability_weight, kept, *, seed, workers, deterministic
):
    """Large problems: the starting plan improved by neighbourhoods (see lns); no bound is proved."""
    search = Search(
        layout=layout,
        objective=objective,
        stability_weight=stability_weight,
        previous=kept,
        seed=seed,
        workers=workers,
        deterministic=deterministic,
        budget=time_limit * LNS_DETERMINISTIC_TIME_PER_SECOND,
        wall_deadline=began + time_limit * (WALL_CAP_FACTOR if deterministic else 1.0),
        began=began,
    )
    assignments = improve(search, start_plan.assignments)
    seconds = round(time.perf_counter() - began, 3)
    _check_horizon_end(layout.problem, assignments)
    reproducible = deterministic and not search.stopped_by_clock
    if assignments == start_plan.assignments:
        return replace(start_plan, seconds=seconds, reproducible=reproducible)
    return build_schedule(
        layout.problem,
        assignments,
        status="feasible",
        method="cp-sat",
        seconds=seconds,
        found_seconds=search.found_at,
        improvements=tuple(search.improvements),
        reproducible=reproducible,
    )


def _intervals(layout: Layout, horizon: int) -> int:
    """How many intervals the whole model would hold: alternatives of the operations to place,
    and the closures it would clip to [horizon start, horizon)."""
    start = layout.problem.horizon_start
    operations = sum(len(op.alternatives) for i, op in enumerate(layout.operations) if i not in layout.frozen)
    closures = sum(1 for spans in layout.closures.values() for s, e in spans if e > start and s < horizon)
    return operations + closures


def _horizon(problem: Problem, start_plan: Schedule) -> int:
    """The model's last minute: the horizon end if given, else twice the starting plan's span.

    A makespan-optimal plan ends no later than the starting plan, so this loses nothing for
    objective="makespan"; for tardiness it excludes only plans that stretch the floor's work
    over twice as long as the dispatching rules need. A tighter horizon means fewer closures
    inside it and a smaller model.
    """
    if problem.horizon_end is not None:
        return problem.horizon_end
    span = max(start_plan.makespan - problem.horizon_start, 1)
    return start_plan.makespan + span


class _Progress(cp_model.CpSolverSolutionCallback):
    """Records the wall time and objective of each improving solution."""

    def __init__(self, began: float):
        super().__init__()
        self.began = began
        self.found: list[tuple[float, int]] = []

    def on_solution_callback(self) -> None:
        self.found.append((round(time.perf_counter() - self.began, 3), round(self.objective_value)))


class _Search:
    def __init__(
        self,
        plan_model: PlanModel,
        began: float,
        time_limit: float,
        *,
        seed,
        workers,
        deterministic,
        share=1.0,
        wall_share=None,
        rate=DETERMINISTIC_TIME_PER_SECOND,
        ignored_subsolvers=(),
    ):
        self.plan_model = plan_model
        self.ignored_subsolvers = ignored_subsolvers
        self.began = began
        self.time_limit = time_limit
        # The share of the time limit this search's deterministic budget is worth, and the share
        # of the limit (counted from the start of the solve) by which it must end on the clock.
        self.time_share = share if wall_share is None else wall_share
        self.budget = time_limit * rate * share
        self.seed = seed
        self.workers = workers
        self.deterministic = deterministic
        self.deterministic_used = 0.0
        self.reproducible = deterministic

    def _elapsed(self) -> float:
        return time.perf_counter() - self.began

    def _solver(self, share: float) -> cp_model.CpSolver:
        solver = cp_model.CpSolver()
        params = solver.parameters
        params.random_seed = self.seed
        params.num_workers = self.workers
        params.ignore_subsolvers.extend(self.ignored_subsolvers)
        if self.deterministic:
            budget = self.budget - self.deterministic_used
            params.interleave_search = True
            params.interleave_batch_size = INTERLEAVE_BATCH_SIZE
            params.max_deterministic_time = max(0.01, budget * share)
            params.max_time_in_seconds = max(0.1, WALL_CAP_FACTOR * self.time_limit * self.time_share - self._elapsed())
        else:
            params.max_time_in_seconds = max(0.1, (self.time_limit * self.time_share - self._elapsed()) * share)
        return solver

    def _run_stage(self, share: float, hint: Mapping[Id, Assignment]) -> tuple[cp_model.CpSolver, int, list]:
        self.plan_model.hint(hint)
        solver = self._solver(share)
        progress = _Progress(self.began)
        status = solver.solve(self.plan_model.model, progress)
        self.deterministic_used += solver.deterministic_time
        # Interleaved batches overshoot the deterministic limit, so a run can pass it and still be
        # cut by the clock mid-batch: only a run that stopped well before the clock is trusted.
        clock = solver.wall_time >= 0.95 * solver.parameters.max_time_in_seconds
        if status not in (cp_model.OPTIMAL, cp_model.INFEASIBLE) and clock:
            self.reproducible = False
        if status == cp_model.MODEL_INVALID:
            raise RuntimeError(f"the CP-SAT model is invalid: {self.plan_model.model.validate()}")
        return solver, status, progress.found

    def run(self, objective: Objective, stability_weight: int, start_plan: Schedule, layout: Layout) -> Schedule:
        plan_model, model = self.plan_model, self.plan_model.model
        measure = plan_model.weighted_tardiness if objective == "tardiness" else plan_model.makespan
        primary = measure + stability_weight * plan_model.moved_count
        makespan_stage = objective == "tardiness"
        assignments = start_plan.assignments
        found_at = start_plan.found_seconds
        improvements: tuple[tuple[float, int], ...] = ()
        if isinstance(primary, int):
            # Nothing to trade in stage 1 (no due dates, nothing to keep): its optimum is that constant.
            lower_bound, proved = primary, True
        else:
            model.minimize(primary)
            solver, status, found = self._run_stage(PRIMARY_SHARE if makespan_stage else 1.0, assignments)
            if status == cp_model.INFEASIBLE:
                if layout.problem.horizon_end is None:
                    raise RuntimeError("CP-SAT found the starting plan's horizon infeasible: a modelling bug")
                raise PlanningError(
                    f"no plan fits before the horizon end {layout.problem.horizon_end}: "
                    "there is not enough open machine time for all operations"
                )
            if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                return self._fallback(start_plan, layout)
            assignments = plan_model.read(solver)
            lower_bound = math.ceil(solver.best_objective_bound - 1e-6)
            proved = status == cp_model.OPTIMAL
            improvements = tuple(found)
            found_at = found[-1][0] if found else self._elapsed()
            if makespan_stage:
                model.add(primary <= round(solver.objective_value))
                model.clear_objective()

        if makespan_stage:
            before = max((a.end for a in assignments.values()), default=0)
            model.minimize(plan_model.makespan)
            solver, status, found = self._run_stage(1.0, assignments)
            if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) and round(solver.objective_value) < before:
                assignments = plan_model.read(solver)
                found_at = found[-1][0]
            proved = proved and status == cp_model.OPTIMAL
        return build_schedule(
            layout.problem,
            assignments,
            status="optimal" if proved else "feasible",
            method="cp-sat",
            seconds=round(self._elapsed(), 3),
            found_seconds=found_at,
            lower_bound=lower_bound,
            proved_optimal=proved,
            improvements=improvements,
            reproducible=self.reproducible,
        )

    def _fallback(self, start_plan: Schedule, layout: Layout) -> Schedule:
        _check_horizon_end(layout.problem, start_plan.assignments)
        return replace(start_plan, seconds=round(self._elapsed(), 3), reproducible=self.reproducible)


def _check_horizon_end(problem: Problem, assignments: Mapping[Id, Assignment]) -> None:
    """Dispatching ignores the horizon end; a plan that overruns it is no answer."""
    if problem.horizon_end is not None and any(a.end > problem.horizon_end for a in assignments.values()):
        raise PlanningError(f"no plan ending by the horizon end {problem.horizon_end} was found in time")
