"""Plain job shops for makespan: CP-SAT, the tabu search from its plan, CP-SAT again from the
tabu search's plan, on deterministic budgets that are meant to fill the time limit."""

from pathlib import Path

import pytest

from production.scheduling import dispatch, load_instance, solve, verify
from production.scheduling import solver as solver_module

from .test_solver import _SilentSolver

DATA = Path(__file__).resolve().parents[2] / "benchmarks" / "data"


@pytest.fixture
def patient_clock(monkeypatch):
    """A wall-clock cap a loaded test machine cannot reach before the deterministic budgets run out."""
    monkeypatch.setattr(solver_module, "WALL_CAP_FACTOR", 30.0)


def _record_phases(monkeypatch):
    """What each phase started from: ('cp-sat', starting makespan) or ('tabu', starting makespan)."""
    phases = []
    run, tabu = solver_module._Search.run, solver_module.improve_makespan

    def recording_run(self, objective, stability_weight, start_plan, layout):
        phases.append(("cp-sat", start_plan.makespan, self.budget - self.deterministic_used))
        return run(self, objective, stability_weight, start_plan, layout)

    def recording_tabu(layout, assignments, **kwargs):
        phases.append(("tabu", max(a.end for a in assignments.values()), kwargs["budget"]))
        return tabu(layout, assignments, **kwargs)

    monkeypatch.setattr(solver_module._Search, "run", recording_run)
    monkeypatch.setattr(solver_module, "improve_makespan", recording_tabu)
    return phases


@pytest.mark.usefixtures("patient_clock")
def test_a_job_shop_cp_sat_cannot_close_goes_through_all_three_phases(monkeypatch):
    monkeypatch.setattr(solver_module.cp_model, "CpSolver", _SilentSolver)
    phases = _record_phases(monkeypatch)
    problem = load_instance(DATA / "ft10.txt")
    start = min(dispatch(problem, rule).makespan for rule in ("edd", "atc", "mwkr"))

    schedule = solve(problem, objective="makespan", time_limit=0.5)

    assert verify(problem, schedule) == []
    assert [kind for kind, _, _ in phases] == ["cp-sat", "tabu", "cp-sat"]
    assert phases[0][1] == phases[1][1] == start  # CP-SAT found nothing: the tabu search starts from dispatching
    assert phases[2][1] == schedule.makespan < start  # the last CP-SAT starts from the tabu search's plan
    first, last = solver_module.JOB_SHOP_SHARES[0], solver_module.JOB_SHOP_SHARES[2]
    pool = 0.5 * solver_module.JOB_SHOP_DETERMINISTIC_TIME_PER_SECOND * (first + last)
    assert phases[0][2] == pytest.approx(pool * first / (first + last))
    assert phases[2][2] == pytest.approx(pool)  # nothing used by the silent first phase
    assert phases[1][2] == int(0.5 * solver_module.JOB_SHOP_SHARES[1] * solver_module.JOB_SHOP_TABU_WORK_PER_SECOND)
    assert (schedule.method, schedule.status, schedule.reproducible) == ("tabu", "feasible", True)


def test_a_job_shop_proved_by_the_first_phase_stops_there(monkeypatch):
    phases = _record_phases(monkeypatch)
    problem = load_instance(DATA / "ft06.txt")

    schedule = solve(problem, objective="makespan", time_limit=5)

    assert (schedule.makespan, schedule.status, schedule.proved_optimal) == (55, "optimal", True)
    assert [kind for kind, _, _ in phases] == ["cp-sat"]


def test_flexible_shops_keep_their_two_phases(monkeypatch):
    monkeypatch.setattr(solver_module.cp_model, "CpSolver", _SilentSolver)
    phases = _record_phases(monkeypatch)
    problem = load_instance(DATA / "mk02.fjs")

    solve(problem, objective="makespan", time_limit=0.5)

    assert [kind for kind, _, _ in phases] == ["cp-sat", "tabu"]
    assert phases[1][2] == int(0.5 * solver_module.TABU_SHARE * solver_module.TABU_WORK_PER_SECOND)


@pytest.mark.usefixtures("patient_clock")
def test_a_job_shop_gives_the_same_plan_for_the_same_seed():
    problem = load_instance(DATA / "ft10.txt")

    first = solve(problem, objective="makespan", time_limit=0.3, seed=2)
    second = solve(problem, objective="makespan", time_limit=0.3, seed=2)

    assert verify(problem, first) == []
    assert (first.reproducible, second.reproducible) == (True, True)
    assert first.assignments == second.assignments
    assert (first.makespan, first.lower_bound, first.status) == (second.makespan, second.lower_bound, second.status)


def test_a_job_shop_off_the_deterministic_mode_stays_within_its_limit():
    problem = load_instance(DATA / "ft10.txt")

    schedule = solve(problem, objective="makespan", time_limit=2, deterministic=False)

    assert verify(problem, schedule) == []
    assert schedule.reproducible is False
    assert schedule.seconds <= 3  # the limit, plus reading the last answer on a loaded machine
