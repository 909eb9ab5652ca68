import time
from pathlib import Path

from production.scheduling import load_instance, verify
from production.scheduling.graph import lay_out
from production.scheduling.heuristic import best_dispatch
from production.scheduling.lns import Search
from production.scheduling.model import build_schedule
from production.scheduling.resequence import resequence

from .problems import workshop

DATA = Path(__file__).resolve().parents[2] / "benchmarks" / "data"


def resequenced(problem, *, seed=0, budget=0.3):
    layout = lay_out(problem)
    start = best_dispatch(layout, "makespan")
    began = time.perf_counter()
    search = Search(
        layout=layout,
        objective="makespan",
        stability_weight=0,
        previous=None,
        seed=seed,
        workers=2,
        deterministic=True,
        budget=budget,
        wall_deadline=began + 600,
        began=began,
    )
    plan = build_schedule(problem, resequence(search, start.assignments), status="feasible", method="cp-sat")
    return start, plan, search


def test_resequencing_returns_a_feasible_plan_never_longer_than_its_start():
    problem = load_instance(DATA / "mk02.fjs")

    start, plan, search = resequenced(problem)

    assert verify(problem, plan) == []
    assert plan.makespan <= start.makespan
    assert not search.stopped_by_clock


def test_resequencing_is_a_function_of_the_seed():
    problem = load_instance(DATA / "mk02.fjs")

    _, first, _ = resequenced(problem, seed=4)
    _, second, _ = resequenced(problem, seed=4)

    assert first.assignments == second.assignments


def test_resequencing_keeps_calendars_capacities_and_precedence():
    problem = workshop()

    start, plan, _ = resequenced(problem, budget=0.1)

    assert verify(problem, plan) == []
    assert plan.makespan <= start.makespan
