"""Feasibility on random small problems: every plan, heuristic or CP-SAT, passes the check."""

from hypothesis import HealthCheck, given, settings

from production.scheduling import dispatch, replan, solve, verify, with_downtime

from .problems import small_problems

FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(small_problems())
def test_dispatching_plans_are_feasible(problem):
    for rule in ("edd", "atc", "mwkr"):
        assert verify(problem, dispatch(problem, rule)) == []


@FAST
@given(small_problems())
def test_cp_sat_plans_are_feasible_and_no_worse_than_dispatching(problem):
    schedule = solve(problem, time_limit=0.5)

    assert verify(problem, schedule) == []
    best_rule = min(dispatch(problem, rule).weighted_tardiness for rule in ("edd", "atc", "mwkr"))
    assert schedule.weighted_tardiness <= best_rule


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_problems())
def test_replanned_plans_after_a_breakdown_are_feasible(problem):
    plan = solve(problem, time_limit=0.3)
    changed = with_downtime(problem, problem.machines[0].id, 10, 40)

    result = replan(plan, changed, time_limit=0.3)

    assert verify(changed, result.schedule) == []
