"""The why-late engine on hand-made plans: the bottleneck, the jobs ahead and why, the exact
missing minutes per day, and the fixes ranked."""

from production import lateness
from production.scheduling import Alternative, Assignment, Job, Machine, Operation, Problem, closures_from_openings
from production.scheduling.model import build_schedule

DAY = 24 * 60
# Three days, each open 00:00-08:00 (480 minutes), closed otherwise.
CLOSED = closures_from_openings([(d * DAY, d * DAY + 480) for d in range(3)], 0, 3 * DAY)


def plan(jobs, assignments, machines=("M", "N"), capacity=None, frozen=()):
    capacity = capacity or {}
    problem = Problem(
        machines=tuple(Machine(m, capacity=capacity.get(m, 1), unavailable=CLOSED) for m in machines),
        jobs=tuple(jobs),
        frozen=tuple(frozen),
        horizon_end=3 * DAY,
    )
    return problem, build_schedule(problem, assignments, status="heuristic", method="heuristic")


def one_step(job_id, op_id, *alternatives, due, weight=1, release=0):
    return Job(job_id, (Operation(op_id, job_id, tuple(alternatives)),), release=release, due=due, weight=weight)


def test_a_job_pushed_to_the_next_day_is_explained_by_the_job_ahead_and_the_minutes_missing():
    first = one_step("A", "a", Alternative("M", 300), due=300, weight=2)
    second = one_step("B", "b", Alternative("M", 300), due=480)
    problem, schedule = plan([first, second], {"a": Assignment("M", 0, 300), "b": Assignment("M", DAY, DAY + 300)})

    (why,) = [e for e in lateness.explain(problem, schedule) if e.job_id == "B"]

    assert (why.late, why.bottleneck, why.operation_id, why.waited) == (DAY + 300 - 480, "M", "b", 480)
    assert [(a.job_id, a.reasons) for a in why.ahead] == [("A", ("weighs more", "due earlier"))]
    # 600 minutes of work due by 08:00 against 480 open: 120 missing, all on day 0.
    assert why.missing == 120
    assert [(d.day, d.planned, d.open, d.missing) for d in why.days] == [(0, 300, 480, 120), (1, 300, 480, 0)]
    overtime = next(f for f in why.fixes if f.kind == "overtime")
    assert overtime.spans == ((480, 600),)  # right after the shift, on the day it waited
    assert overtime.saves == DAY + 300 - 600  # it ends at 10:00 on day 0 instead of the next day
    assert not overtime.fixes_it  # the promise is the shift's end: 2 hours late still


def test_an_alternative_center_free_in_time_ranks_first_and_the_later_promise_last():
    first = one_step("A", "a", Alternative("M", 300), due=300)
    second = one_step("B", "b", Alternative("M", 300), Alternative("N", 400), due=480)
    problem, schedule = plan([first, second], {"a": Assignment("M", 0, 300), "b": Assignment("M", DAY, DAY + 300)})

    (why,) = lateness.explain(problem, schedule, only={"B"})

    assert [f.kind for f in why.fixes] == ["alternative", "overtime", "promise"]
    move = why.fixes[0]
    assert (move.machine_id, move.operation_id, move.fixes_it, move.saves) == ("N", "b", True, why.late)
    assert why.fixes[-1].new_due == DAY + 300


def test_overtime_that_covers_the_missing_minutes_fixes_a_job_due_the_next_morning():
    first = one_step("A", "a", Alternative("M", 300), due=300)
    second = one_step("B", "b", Alternative("M", 200), due=DAY + 60)
    # B waited for A, then a third job C (rush, due earlier) took the rest of day 0 and day 1's start.
    third = one_step("C", "c", Alternative("M", 180), due=480)
    problem, schedule = plan(
        [first, second, third],
        {"a": Assignment("M", 0, 300), "c": Assignment("M", 300, 480), "b": Assignment("M", DAY, DAY + 200)},
    )

    (why,) = lateness.explain(problem, schedule, facts={"C": lateness.JobFacts(rush=True)}, only={"B"})

    assert why.late == 140
    assert [(a.job_id, a.reasons) for a in why.ahead] == [("A", ("due earlier",)), ("C", ("rush", "due earlier"))]
    # Work 680 minutes against 480 + 60 open by 01:00 on day 1: 140 missing, on day 0.
    assert why.missing == 140
    assert [d.missing for d in why.days] == [140, 0]
    # 140 minutes would leave no room for its 200 in one piece before the night: the evening
    # is lengthened to fit it (from its shift end, 08:00, to 11:20), which makes it on time.
    overtime = why.fixes[0]
    assert (overtime.kind, overtime.spans, overtime.fixes_it) == ("overtime", ((480, 680),), True)


def test_at_risk_is_fewer_than_eight_working_hours_to_spare():
    safe = one_step("A", "a", Alternative("M", 60), due=2 * DAY + 480)  # two whole shifts to spare
    close = one_step("B", "b", Alternative("M", 60), due=DAY + 60)  # 60 + 7 h: under a shift
    problem, schedule = plan([safe, close], {"a": Assignment("M", 0, 60), "b": Assignment("M", 60, 120)})

    explained = lateness.explain(problem, schedule)

    assert [(e.job_id, e.at_risk, e.slack) for e in explained] == [("B", True, 360 + 60)]


def test_a_frozen_job_ahead_says_so_and_a_capacity_two_center_halves_the_missing_work():
    first = one_step("A", "a", Alternative("M", 480), due=DAY * 3)
    second = one_step("B", "b", Alternative("M", 480), due=480)
    third = one_step("C", "c", Alternative("M", 480), due=DAY * 3)
    problem, schedule = plan(
        [first, second, third],
        {"a": Assignment("M", 0, 480), "c": Assignment("M", 0, 480), "b": Assignment("M", DAY, DAY + 480)},
        capacity={"M": 2},
        frozen=[],
    )

    (why,) = lateness.explain(problem, schedule, facts={"A": lateness.JobFacts(frozen=True)}, only={"B"})

    assert [(a.job_id, a.reasons[0]) for a in why.ahead] == [("A", "frozen"), ("C", "lower total lateness")]
    # 1440 minutes of work against 480 open x 2 = 960 by its due time: 480 missing.
    assert why.missing == 480
    assert [d.missing for d in why.days] == [240, 240]  # at most 4 hours of overtime a day


def test_the_bottleneck_is_the_last_wait_on_the_critical_chain():
    ahead = one_step("A", "a", Alternative("M", 100), due=100)
    job = Job(
        "X",
        (
            Operation("x1", "X", (Alternative("M", 100),)),
            Operation("x2", "X", (Alternative("N", 400),), predecessors=("x1",)),
        ),
        due=DAY + 60,
    )
    # x1 waits 100 minutes behind A on M; x2 (400 minutes) does not fit before N closes at 08:00 and
    # waits for the next day: that wait decides when X ends, so N is the bottleneck.
    problem, schedule = plan(
        [ahead, job],
        {"a": Assignment("M", 0, 100), "x1": Assignment("M", 100, 200), "x2": Assignment("N", DAY, DAY + 400)},
    )

    (why,) = lateness.explain(problem, schedule, only={"X"})

    assert (why.bottleneck, why.operation_id, why.waited, why.ahead) == ("N", "x2", 280, ())
    assert why.late == 340
    overtime = why.fixes[0]
    assert overtime.kind == "overtime" and overtime.machine_id == "N"
    assert overtime.spans == ((480, 600),)  # 200 + 400 = 600: it fits by 10:00 on day 0
    assert overtime.fixes_it
