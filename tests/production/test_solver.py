from pathlib import Path

import pytest
from ortools.sat import sat_parameters_pb2
from ortools.sat.python import cp_model

from production.scheduling import Assignment, FrozenAssignment, dispatch, load_instance, solve, verify
from production.scheduling import solver as solver_module

from .problems import workshop

DATA = Path(__file__).resolve().parents[2] / "benchmarks" / "data"


def test_free_mode_runs_against_the_clock_and_says_it_may_vary():
    problem = load_instance(DATA / "ft06.txt")

    schedule = solve(problem, objective="makespan", time_limit=5, deterministic=False)

    assert (schedule.makespan, schedule.reproducible) == (55, False)


def test_ft06_solves_to_its_optimum_of_55_and_proves_it():
    problem = load_instance(DATA / "ft06.txt")

    schedule = solve(problem, objective="makespan", time_limit=5)

    assert (schedule.makespan, schedule.lower_bound, schedule.status) == (55, 55, "optimal")
    assert schedule.proved_optimal
    assert schedule.method == "cp-sat"
    assert verify(problem, schedule) == []
    assert schedule.improvements[-1][1] == 55
    assert schedule.found_seconds <= schedule.seconds


def test_mk01_solves_to_its_optimum_of_40():
    problem = load_instance(DATA / "mk01.fjs")

    schedule = solve(problem, objective="makespan", time_limit=5)

    assert (schedule.makespan, schedule.status) == (40, "optimal")
    assert verify(problem, schedule) == []


@pytest.mark.parametrize("rule", ["edd", "atc", "mwkr"])
def test_every_dispatching_rule_gives_a_feasible_plan(rule):
    problem = workshop()

    schedule = dispatch(problem, rule)

    assert verify(problem, schedule) == []
    assert (schedule.method, schedule.status) == ("heuristic", "heuristic")


def test_cp_sat_is_never_worse_than_dispatching_and_minimises_tardiness_first():
    problem = workshop()

    schedule = solve(problem, time_limit=2)

    assert verify(problem, schedule) == []
    assert schedule.weighted_tardiness <= min(dispatch(problem, rule).weighted_tardiness for rule in ("edd", "atc"))
    assert schedule.status == "optimal"
    assert schedule.lower_bound == schedule.weighted_tardiness


@pytest.fixture
def patient_clock(monkeypatch):
    """A wall-clock safety cap that a loaded test machine cannot reach before the deterministic
    budget runs out (a run cut by the clock may differ, and says so)."""
    monkeypatch.setattr(solver_module, "WALL_CAP_FACTOR", 30.0)


@pytest.mark.usefixtures("patient_clock")
def test_the_same_seed_gives_the_same_plan():
    problem = load_instance(DATA / "mk02.fjs")

    first = solve(problem, objective="makespan", time_limit=1, seed=3)
    second = solve(problem, objective="makespan", time_limit=1, seed=3)

    assert (first.reproducible, second.reproducible) == (True, True)
    assert first.assignments == second.assignments
    assert first.makespan == second.makespan


def test_frozen_operations_stay_exactly_where_they_were_frozen():
    frozen = (FrozenAssignment("cut", "saw", 3, 14), FrozenAssignment("drill", "saw", 14, 19))
    problem = workshop(frozen=frozen, horizon_start=10)

    schedule = solve(problem, time_limit=2)

    assert schedule.assignments["cut"] == Assignment("saw", 3, 14)
    assert schedule.assignments["drill"] == Assignment("saw", 14, 19)
    assert verify(problem, schedule) == []
    unfrozen = [a for op_id, a in schedule.assignments.items() if op_id not in ("cut", "drill")]
    assert min(a.start for a in unfrozen) >= 10


def test_calendars_and_capacity_are_respected():
    problem = workshop()

    schedule = solve(problem, objective="makespan", time_limit=2)

    assert len(schedule.assignments) == sum(len(job.operations) for job in problem.jobs)
    for a in schedule.assignments.values():
        machine = next(m for m in problem.machines if m.id == a.machine_id)
        assert all(a.end <= start or a.start >= end for start, end in machine.unavailable)
    assert verify(problem, schedule) == []


class _SilentSolver:
    """A CP-SAT that finds nothing, as if its time ran out before the first solution."""

    deterministic_time = 0.0
    wall_time = 0.0

    def __init__(self):
        self.parameters = sat_parameters_pb2.SatParameters()

    def solve(self, model, callback=None):
        return cp_model.UNKNOWN


def test_without_a_cp_sat_solution_the_dispatching_plan_is_returned(monkeypatch):
    monkeypatch.setattr(solver_module.cp_model, "CpSolver", _SilentSolver)
    problem = workshop()

    schedule = solve(problem, time_limit=1)

    assert (schedule.method, schedule.status, schedule.lower_bound) == ("heuristic", "heuristic", None)
    assert verify(problem, schedule) == []


@pytest.mark.usefixtures("patient_clock")
def test_large_problems_are_improved_neighbourhood_by_neighbourhood_reproducibly(monkeypatch):
    monkeypatch.setattr(solver_module, "LNS_THRESHOLD", 0)
    problem = load_instance(DATA / "mk01.fjs")
    start = min(dispatch(problem, rule).makespan for rule in ("edd", "atc", "mwkr"))

    first = solve(problem, objective="makespan", time_limit=0.5, seed=5)
    second = solve(problem, objective="makespan", time_limit=0.5, seed=5)

    assert verify(problem, first) == []
    assert (first.reproducible, second.reproducible) == (True, True)
    assert first.assignments == second.assignments
    assert first.makespan <= start
    assert first.lower_bound is None


def test_the_model_size_counts_each_alternative_and_each_closure_inside_the_horizon():
    from production.scheduling.graph import lay_out
    from production.scheduling.model import Alternative, Job, Machine, Operation, Problem

    machines = (Machine("saw", unavailable=((10, 20), (100, 200))), Machine("lathe"))
    cut = Operation("cut", "j", (Alternative("saw", 5), Alternative("lathe", 7)))
    turn = Operation("turn", "j", (Alternative("lathe", 4),), predecessors=("cut",))
    problem = Problem(machines=machines, jobs=(Job("j", (cut, turn)),))

    assert solver_module._intervals(lay_out(problem), horizon=50) == 3 + 1  # (100, 200) lies beyond

    frozen = Problem(machines=machines, jobs=problem.jobs, frozen=(FrozenAssignment("cut", "saw", 0, 5),))
    assert solver_module._intervals(lay_out(frozen), horizon=500) == 1 + 2


def test_a_model_over_the_size_limit_is_improved_by_neighbourhoods_and_one_under_it_whole(monkeypatch):
    from production.scheduling.graph import lay_out

    problem = load_instance(DATA / "mk01.fjs")
    size = solver_module._intervals(lay_out(problem), horizon=10**6)  # mk01 has no calendars

    monkeypatch.setattr(solver_module, "LNS_THRESHOLD", size)
    whole = solve(problem, objective="makespan", time_limit=2)
    monkeypatch.setattr(solver_module, "LNS_THRESHOLD", size - 1)
    pieces = solve(problem, objective="makespan", time_limit=0.5)

    assert whole.lower_bound is not None  # only the whole model proves a bound
    assert pieces.lower_bound is None
    assert verify(problem, whole) == verify(problem, pieces) == []
