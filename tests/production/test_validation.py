from dataclasses import replace

import pytest

from production.scheduling import FrozenAssignment, Job, Machine, PlanningError, Problem, dispatch, solve, validate

from .problems import op, workshop


def test_a_sound_problem_passes():
    assert validate(workshop()) is None


def test_cyclic_precedence_names_the_job_and_its_operations():
    job = Job(
        "j9",
        (
            op("a", "j9", ("saw", 5), after=["c"]),
            op("b", "j9", ("saw", 5), after=["a"]),
            op("c", "j9", ("saw", 5), after=["b"]),
        ),
    )
    problem = replace(workshop(), jobs=(job,))

    with pytest.raises(PlanningError) as caught:
        solve(problem, time_limit=1)

    assert str(caught.value) == "job 'j9' has cyclic precedence among operations 'a', 'b', 'c'"
    assert (caught.value.job_id, caught.value.operation_id) == ("j9", "a")


def test_operation_without_an_eligible_machine_is_refused():
    problem = replace(workshop(), jobs=(Job("j9", (op("a", "j9"),)),))

    with pytest.raises(PlanningError, match=r"^operation 'a' of job 'j9' has no eligible machine$"):
        dispatch(problem)


def test_operation_on_a_machine_that_does_not_exist_is_refused():
    problem = replace(workshop(), jobs=(Job("j9", (op("a", "j9", ("mill", 5)),)),))

    with pytest.raises(PlanningError) as caught:
        validate(problem)

    assert str(caught.value) == "operation 'a' of job 'j9' has no existing eligible machine: 'mill' is not a machine"
    assert caught.value.machine_id == "mill"


@pytest.mark.parametrize("duration", [0, -5])
def test_non_positive_durations_are_refused(duration):
    problem = replace(workshop(), jobs=(Job("j9", (op("a", "j9", ("saw", duration)),)),))

    with pytest.raises(
        PlanningError,
        match=rf"^operation 'a' of job 'j9' lasts {duration} min on machine 'saw'; durations must be > 0$",
    ):
        validate(problem)


def test_duplicate_ids_are_refused():
    twice = workshop()
    with pytest.raises(PlanningError, match=r"^job 'j1' is listed twice$"):
        validate(replace(twice, jobs=(*twice.jobs, twice.jobs[0])))
    with pytest.raises(PlanningError, match=r"^machine 'saw' is listed twice$"):
        validate(replace(twice, machines=(*twice.machines, Machine("saw"))))
    with pytest.raises(PlanningError, match=r"^operation 'cut' is listed twice$"):
        validate(replace(twice, jobs=(*twice.jobs, Job("j9", (op("cut", "j9", ("saw", 5)),)))))


def test_a_calendar_closed_through_the_horizon_is_refused():
    problem = Problem(
        machines=(Machine("oven", unavailable=((0, 480),)), Machine("saw")),
        jobs=(Job("j1", (op("bake", "j1", ("oven", 30)),)),),
        horizon_end=480,
    )

    with pytest.raises(PlanningError) as caught:
        solve(problem, time_limit=1)

    assert str(caught.value) == (
        "machine 'oven' has no capacity left in the horizon (0, 480): it is closed throughout, "
        "and operation 'bake' of job 'j1' can run nowhere else"
    )


def test_an_operation_longer_than_any_open_window_is_refused():
    problem = Problem(
        machines=(Machine("oven", unavailable=((60, 120), (180, 240))),),
        jobs=(Job("j1", (op("bake", "j1", ("oven", 90)),)),),
        horizon_end=240,
    )

    with pytest.raises(
        PlanningError,
        match=r"^operation 'bake' of job 'j1' fits in no open time of its machines between its release 0 and the "
        r"horizon end 240$",
    ):
        validate(problem)


def test_overlapping_frozen_operations_are_refused():
    problem = workshop(frozen=(FrozenAssignment("cut", "saw", 0, 10), FrozenAssignment("stamp", "saw", 5, 35)))

    with pytest.raises(PlanningError, match=r"^frozen operations 'cut' and 'stamp' overlap on machine 'saw'$"):
        validate(problem)


def test_frozen_operation_after_an_unfrozen_one_is_refused():
    problem = workshop(frozen=(FrozenAssignment("bend", "lathe", 10, 25),))

    with pytest.raises(
        PlanningError, match=r"^operation 'bend' of job 'j1' is frozen but its predecessor 'cut' is not$"
    ):
        validate(problem)


def test_reversed_closure_is_refused():
    problem = replace(workshop(), machines=(Machine("saw", unavailable=((50, 40),)), *workshop().machines[1:]))

    with pytest.raises(
        PlanningError, match=r"^machine 'saw' has a closure \(50, 40\) that does not end after it starts$"
    ):
        validate(problem)
