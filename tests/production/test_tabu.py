"""The tabu search that finishes makespan plans of flexible shops without calendars."""

import time
from dataclasses import replace
from pathlib import Path

from hypothesis import HealthCheck, given, settings

from production.scheduling import Machine, dispatch, load_instance, solve, verify
from production.scheduling import solver as solver_module
from production.scheduling.graph import lay_out
from production.scheduling.model import build_schedule
from production.scheduling.tabu import applies, improve_makespan

from .problems import small_problems, workshop
from .test_solver import _SilentSolver

DATA = Path(__file__).resolve().parents[2] / "benchmarks" / "data"
LATER = 10**9  # a wall deadline no test reaches


def _plain(problem):
    """The problem without calendars, frozen work or capacities above 1."""
    machines = tuple(Machine(m.id, m.name) for m in problem.machines)
    return replace(problem, machines=machines, frozen=())


def _search(problem, budget, seed=0, deadline=None):
    layout = lay_out(problem)
    start = dispatch(problem, "mwkr")
    deadline = time.perf_counter() + LATER if deadline is None else deadline
    found = improve_makespan(layout, start.assignments, budget=budget, wall_deadline=deadline, seed=seed)
    return start, found, build_schedule(problem, found.assignments, status="feasible", method="tabu")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_problems())
def test_plans_stay_feasible_and_never_get_longer(problem):
    problem = _plain(problem)

    start, found, schedule = _search(problem, budget=20_000)

    assert verify(problem, schedule) == []
    assert schedule.makespan == found.makespan <= start.makespan


def test_it_shortens_a_flexible_shop_and_the_same_seed_gives_the_same_plan():
    problem = load_instance(DATA / "mk02.fjs")

    start, first, schedule = _search(problem, budget=2_000_000, seed=4)
    _, second, _ = _search(problem, budget=2_000_000, seed=4)

    assert verify(problem, schedule) == []
    assert first.makespan < start.makespan
    assert first.assignments == second.assignments
    assert not first.stopped_by_clock
    assert [value for _, value in first.improvements] == sorted(
        {value for _, value in first.improvements}, reverse=True
    )


def test_on_a_job_shop_it_swaps_along_the_longest_path_to_ft06s_optimum():
    problem = load_instance(DATA / "ft06.txt")

    start, found, schedule = _search(problem, budget=5_000_000)

    assert start.makespan > 55
    assert found.makespan == schedule.makespan == 55
    assert verify(problem, schedule) == []


def test_a_passed_deadline_stops_it_and_says_so():
    problem = load_instance(DATA / "mk02.fjs")

    start, found, schedule = _search(problem, budget=10**9, deadline=time.perf_counter())

    assert found.stopped_by_clock
    assert found.iterations == 0
    assert verify(problem, schedule) == []
    assert schedule.makespan <= start.makespan


def test_it_applies_only_where_heads_and_tails_are_exact():
    flexible = load_instance(DATA / "mk01.fjs")
    job_shop = load_instance(DATA / "ft06.txt")
    with_calendars = workshop()

    assert applies(lay_out(flexible))
    assert applies(lay_out(job_shop))
    assert not applies(lay_out(with_calendars))
    assert applies(lay_out(_plain(with_calendars)))
    two_wide = _plain(with_calendars)
    two_wide = replace(two_wide, machines=(replace(two_wide.machines[0], capacity=2), *two_wide.machines[1:]))
    assert not applies(lay_out(two_wide))


def test_solve_hands_a_flexible_shop_to_the_tabu_search_after_cp_sat(monkeypatch):
    monkeypatch.setattr(solver_module.cp_model, "CpSolver", _SilentSolver)
    problem = load_instance(DATA / "mk02.fjs")
    start = min(dispatch(problem, rule).makespan for rule in ("edd", "atc", "mwkr"))

    schedule = solve(problem, objective="makespan", time_limit=2)

    assert verify(problem, schedule) == []
    assert schedule.makespan < start
    assert schedule.method == "tabu"
    assert schedule.improvements and schedule.improvements[-1][1] == schedule.makespan


def test_a_tabu_plan_that_reaches_cp_sats_bound_is_proved_optimal():
    problem = _plain(workshop())
    layout = lay_out(problem)
    heuristic = dispatch(problem, "mwkr")  # 90 minutes
    best = solve(problem, objective="makespan", time_limit=2)  # 85, proved
    assert best.proved_optimal and best.makespan < heuristic.makespan
    cp_sat_plan = replace(heuristic, status="feasible", lower_bound=best.makespan, proved_optimal=False)

    finished = solver_module._tabu_finish(
        layout, cp_sat_plan, time.perf_counter(), 2.0, seed=0, workers=2, deterministic=True
    )

    assert verify(problem, finished) == []
    assert finished.makespan == best.makespan
    assert (finished.status, finished.proved_optimal, finished.lower_bound) == ("optimal", True, best.makespan)
    assert finished.method == "tabu"
