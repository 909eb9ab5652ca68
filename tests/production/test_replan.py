from dataclasses import replace

import pytest

from production.scheduling import (
    Assignment,
    FrozenAssignment,
    Job,
    PlanningError,
    advance_to,
    moved_operations,
    replan,
    solve,
    verify,
    with_downtime,
    with_frozen,
    with_job,
)

from .problems import op, workshop


@pytest.fixture(scope="module")
def plan():
    return solve(workshop(), time_limit=2)


def test_a_new_order_is_planned_and_unaffected_operations_stay(plan):
    rush = Job(
        "j4", (op("trim", "j4", ("saw", 5)), op("wrap", "j4", ("lathe", 5), after=["trim"])), release=200, due=260
    )
    changed = with_job(workshop(), rush)

    result = replan(plan, changed, time_limit=2)

    assert verify(changed, result.schedule) == []
    assert result.moved_operations == ()
    assert {k: v for k, v in result.schedule.assignments.items() if k in plan.assignments} == plan.assignments
    assert {"trim", "wrap"} <= result.schedule.assignments.keys()


def test_moved_operations_count_changes_of_machine_or_start_but_not_new_operations(plan):
    moved = dict(plan.assignments)
    moved["polish"] = Assignment("lathe", plan.assignments["polish"].start + 7, plan.assignments["polish"].end + 7)
    moved["new"] = Assignment("saw", 0, 5)
    later = replace(plan, assignments=moved)

    assert moved_operations(plan, later, workshop()) == ("polish",)


def test_a_machine_going_down_moves_the_operations_in_that_window_only(plan):
    lathe_ops = [k for k, a in plan.assignments.items() if a.machine_id == "lathe"]
    first = min(lathe_ops, key=lambda k: plan.assignments[k].start)
    down = (plan.assignments[first].start, plan.assignments[first].end)
    changed = with_downtime(workshop(), "lathe", *down)

    result = replan(plan, changed, time_limit=2)

    assert verify(changed, result.schedule) == []
    assert first in result.moved_operations
    for op_id, a in result.schedule.assignments.items():
        assert a.machine_id != "lathe" or a.end <= down[0] or a.start >= down[1], op_id
    untouched = [k for k in plan.assignments if k not in result.moved_operations]
    assert all(result.schedule.assignments[k] == plan.assignments[k] for k in untouched)


def test_an_operation_finishing_late_is_frozen_with_its_actual_times(plan):
    cut = plan.assignments["cut"]
    late = FrozenAssignment("cut", cut.machine_id, cut.start, cut.end + 6)
    changed = with_frozen(advance_to(workshop(), plan, cut.start + 1), late)

    result = replan(plan, changed, time_limit=2)

    assert result.schedule.assignments["cut"] == Assignment(cut.machine_id, cut.start, cut.end + 6)
    assert verify(changed, result.schedule) == []
    assert "cut" not in result.moved_operations


def test_advancing_the_clock_freezes_what_has_started(plan):
    now = 12

    changed = advance_to(workshop(), plan, now)

    started = {k for k, a in plan.assignments.items() if a.start < now}
    assert {f.operation_id for f in changed.frozen} == started
    assert changed.horizon_start == now


def test_a_failed_replan_leaves_the_previous_plan_untouched(plan):
    before = dict(plan.assignments)
    broken = with_job(workshop(), Job("j9", (op("x", "j9", ("mill", 5)),)))

    with pytest.raises(PlanningError, match="'mill' is not a machine"):
        replan(plan, broken, time_limit=1)

    assert plan.assignments == before
    assert verify(workshop(), plan) == []
