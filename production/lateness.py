"""Why an order is late, read from a plan, and what would fix it. Pure: scheduling values in,
explanations out; no Django, so the 500-order factory is explained in the benchmark alone.

For each late or at-risk job (at risk: it finishes on time but with fewer than `at_risk_minutes`
of its last work center's open time to spare; the board uses 8 working hours, one shift):

- the bottleneck: following its critical chain back from its last operation (each time the
  predecessor it waited for), the last operation that waited (at least `MIN_WAIT` of its work
  center's open minutes: a night or a weekend is not waiting) for its center to be free or for
  room to run in one piece before a closure. Starting earlier upstream of that wait would only
  wait there instead. A job that never waited: the chain's longest wait, or longest operation.
- the jobs ahead: those whose operations ran on the bottleneck while it waited, each with why
  (frozen or running, rush, weighs more, due earlier; or none of these: the plan's total
  weighted lateness is lower that way).
- the missing capacity: the minutes its bottleneck operation must start earlier for the job to
  finish on time (its lateness, or the at-risk margin it lacks), at most the minutes it waited,
  on the days it waited; spread `MAX_OVERTIME_PER_DAY` a day from the first of them.
- the fixes, ranked (those that make it on time first, then the one that costs least):
  overtime on the bottleneck right after its shift on those days, a move of the bottleneck
  operation to an eligible center that is free earlier, and a later promise (its planned end).
"""

from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field

from .scheduling import Problem, Schedule
from .scheduling.calendars import merge_windows

DAY = 24 * 60
AT_RISK_MINUTES = 8 * 60
MAX_OVERTIME_PER_DAY = 4 * 60
MIN_WAIT = 15  # open minutes; shorter waits are a plan's rounding, not a bottleneck


@dataclass(frozen=True)
class JobFacts:
    """What the plan does not say about a job: rush (sold with the rush option), frozen by a planner."""

    rush: bool = False
    frozen: bool = False


@dataclass(frozen=True)
class Ahead:
    job_id: object
    operation_id: object
    start: int
    end: int
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class DayLoad:
    """One day on the bottleneck: planned and open minutes, and the minutes missing for this job."""

    day: int
    planned: int
    open: int
    missing: int


@dataclass(frozen=True)
class Fix:
    """A suggestion. kind "overtime": `machine_id` over [start, end) for each of `spans`;
    "alternative": `operation_id` to `machine_id`; "promise": due at `new_due`.
    `saves` is the minutes of lateness it should remove (an estimate for a move: the next plan decides)."""

    kind: str
    saves: int
    fixes_it: bool
    machine_id: object = None
    operation_id: object = None
    spans: tuple[tuple[int, int], ...] = ()
    new_due: int | None = None


@dataclass(frozen=True)
class Explanation:
    job_id: object
    due: int
    completion: int
    late: int  # minutes after the due time (0 when only at risk)
    slack: int  # open minutes to spare on its last center (negative when late)
    bottleneck: object  # machine id
    operation_id: object  # the job's operation on the bottleneck
    waited: int  # open minutes it waited there
    ahead: tuple[Ahead, ...]
    missing: int
    days: tuple[DayLoad, ...]
    fixes: tuple[Fix, ...] = field(default=())

    @property
    def at_risk(self) -> bool:
        return self.late == 0


class _Calendar:
    """A machine's closed spans, for open minutes between two times and shift ends on a day."""

    def __init__(self, unavailable, horizon_end):
        self.closed = merge_windows(unavailable)
        self.starts = [a for a, _ in self.closed]
        self.ends = [b for _, b in self.closed]
        self.horizon_end = horizon_end

    def open_minutes(self, start: int, end: int) -> int:
        if end <= start:
            return 0
        shut = 0
        i = bisect_right(self.ends, start)
        while i < len(self.closed) and self.closed[i][0] < end:
            a, b = self.closed[i]
            shut += min(b, end) - max(a, start)
            i += 1
        return end - start - shut

    def after_open(self, start: int, minutes: int) -> int:
        """The moment `minutes` open minutes after `start`."""
        cursor, left = start, minutes
        i = bisect_right(self.ends, cursor)
        while left > 0:
            if i < len(self.closed) and self.closed[i][0] <= cursor:
                cursor = max(cursor, self.closed[i][1])
                i += 1
                continue
            room = (self.closed[i][0] if i < len(self.closed) else cursor + left) - cursor
            step = min(room, left)
            cursor += step
            left -= step
        return cursor

    def shift_end(self, day: int):
        """The end of the day's last open span (where overtime goes), or None on a closed day."""
        day_start, day_end = day * DAY, (day + 1) * DAY
        last = None
        cursor = day_start
        i = bisect_right(self.ends, day_start)
        while cursor < day_end:
            if i < len(self.closed) and self.closed[i][0] <= cursor:
                cursor = self.closed[i][1]
                i += 1
                continue
            opened_until = self.closed[i][0] if i < len(self.closed) else day_end
            if opened_until > cursor:
                last = min(opened_until, day_end)
            cursor = opened_until
        return last


def explain(
    problem: Problem,
    schedule: Schedule,
    *,
    facts: Mapping | None = None,
    at_risk_minutes: int = AT_RISK_MINUTES,
    only=None,
) -> list[Explanation]:
    """Explanations for every late or at-risk job of the plan (or those in `only`), most late first."""
    facts = facts or {}
    machines = {m.id: m for m in problem.machines}
    horizon_end = problem.horizon_end or (schedule.makespan + 7 * DAY)
    calendars = {m.id: _Calendar(m.unavailable, horizon_end) for m in machines.values()}
    frozen_ops = {f.operation_id for f in problem.frozen}
    ops = {op.id: op for job in problem.jobs for op in job.operations}
    job_of = {op.id: job for job in problem.jobs for op in job.operations}
    by_machine: dict = {}
    for op_id, a in schedule.assignments.items():
        by_machine.setdefault(a.machine_id, []).append((a.start, a.end, op_id))
    for rows in by_machine.values():
        rows.sort()
    result = []
    for job in problem.jobs:
        if (only is not None and job.id not in only) or job.due is None:
            continue
        if any(op.id not in schedule.assignments for op in job.operations):
            continue
        completion = max(schedule.assignments[op.id].end for op in job.operations)
        last = max(job.operations, key=lambda op: schedule.assignments[op.id].end)
        last_calendar = calendars[schedule.assignments[last.id].machine_id]
        if completion > job.due:
            late = completion - job.due
            slack = -last_calendar.open_minutes(job.due, completion)
            short = late
        else:
            late = 0
            slack = last_calendar.open_minutes(completion, job.due)
            if slack >= at_risk_minutes:
                continue
            short = at_risk_minutes - slack
        result.append(
            _explain_job(
                job, completion, late, slack, short, problem, schedule, calendars, by_machine, ops, job_of, facts,
                frozen_ops,
            )
        )  # fmt: skip
    result.sort(key=lambda e: (-e.late, e.slack, str(e.job_id)))
    return result


def _critical_chain(job, schedule):
    """From its last operation back: each time the predecessor that ended last (what it waited for)."""
    ops = {op.id: op for op in job.operations}
    op = max(job.operations, key=lambda o: schedule.assignments[o.id].end)
    chain = [op]
    while op.predecessors:
        op = ops[max(op.predecessors, key=lambda p: schedule.assignments[p].end)]
        chain.append(op)
    return chain


def _ready(op, job, problem, schedule):
    ready = max(job.release, problem.horizon_start)
    for before in op.predecessors:
        ready = max(ready, schedule.assignments[before].end)
    return ready


def _explain_job(
    job, completion, late, slack, short, problem, schedule, calendars, by_machine, ops, job_of, facts, frozen_ops
):
    waits = []
    for op in _critical_chain(job, schedule):
        if op.id in frozen_ops:
            continue
        a = schedule.assignments[op.id]
        ready = _ready(op, job, problem, schedule)
        waits.append((calendars[a.machine_id].open_minutes(ready, a.start), a.end - a.start, op, ready))
    if not waits:  # everything is running or frozen: nothing to plan differently
        a = schedule.assignments[job.operations[-1].id]
        return Explanation(job.id, job.due, completion, late, slack, a.machine_id, job.operations[-1].id, 0, (), 0, ())
    # The last real wait on the chain binds: starting earlier upstream would only wait there instead.
    binding = [w for w in waits if w[0] >= MIN_WAIT]
    waited, _length, op, ready = binding[0] if binding else max(waits, key=lambda w: (w[0], w[1]))
    a = schedule.assignments[op.id]
    machine = a.machine_id
    calendar = calendars[machine]
    ahead = tuple(
        Ahead(job_of[other].id, other, start, end, _why_ahead(job_of[other], job, other in frozen_ops, facts))
        for start, end, other in by_machine.get(machine, ())
        if start < a.start and end > ready and job_of[other].id != job.id
    )
    capacity = next(m.capacity for m in problem.machines if m.id == machine)
    # The work that ran there while it waited, plus its own, against the open time from when it
    # was ready to when it should end for the job to be on time (its end, `short` earlier).
    work = (
        a.end
        - a.start
        + sum(min(x.end, a.start) - max(x.start, ready) for x in ahead if x.operation_id not in frozen_ops)
    )
    needed_end = max(ready, a.end - short)
    missing = max(0, min(waited, work - calendar.open_minutes(ready, needed_end) * capacity))
    days = _days(machine, calendar, by_machine, ready, a.start, missing, capacity)
    fixes = _fixes(job, op, a, ready, missing, late, short, completion, days, calendar, calendars, by_machine,
                   problem, work - (a.end - a.start), capacity)  # fmt: skip
    return Explanation(
        job.id, job.due, completion, late, slack, machine, op.id, waited, ahead, missing, days, fixes
    )  # fmt: skip


def _why_ahead(other, job, frozen, facts) -> tuple[str, ...]:
    reasons = []
    mine, theirs = facts.get(job.id, JobFacts()), facts.get(other.id, JobFacts())
    if frozen or theirs.frozen:
        reasons.append("frozen")
    if theirs.rush and not mine.rush:
        reasons.append("rush")
    if other.weight > job.weight:
        reasons.append("weighs more")
    if other.due is not None and other.due < job.due:
        reasons.append("due earlier")
    return tuple(reasons) or ("lower total lateness",)


def _days(machine, calendar, by_machine, ready, start, missing, capacity):
    """Each day it waited: planned and open minutes on the bottleneck, and the missing minutes
    spread `MAX_OVERTIME_PER_DAY` a day from the first day with a shift end."""
    rows, left = [], missing
    for day in range(ready // DAY, start // DAY + 1):
        day_start, day_end = day * DAY, (day + 1) * DAY
        opened = calendar.open_minutes(day_start, day_end) * capacity
        if not opened:
            continue
        planned = sum(max(0, min(b, day_end) - max(a, day_start)) for a, b, _ in by_machine.get(machine, ()))
        take = min(left, MAX_OVERTIME_PER_DAY) if calendar.shift_end(day) is not None else 0
        left -= take
        rows.append(DayLoad(day, planned, opened, take))
    return tuple(rows)


def _fixes(
    job, op, a, ready, missing, late, short, completion, days, calendar, calendars, by_machine, problem, ahead, capacity
):
    fixes = []
    spans = tuple(
        (calendar.shift_end(row.day), calendar.shift_end(row.day) + row.missing) for row in days if row.missing
    )
    if spans:
        # An operation is not split across a closure: if the missing minutes leave it no room in
        # one piece, lengthen the first evening (in half hours, up to the day's maximum).
        best = None
        first_start, first_end = spans[0]
        for length in range(first_end - first_start, MAX_OVERTIME_PER_DAY + 30, 30):
            tried = ((first_start, first_start + min(length, MAX_OVERTIME_PER_DAY)), *spans[1:])
            gain = _gain_with(tried, calendar, ready, ahead, capacity, a)
            if best is None or gain > best[0]:
                best = (gain, tried)
            if gain >= short:
                break
        gain, tried = best
        if gain > 0:
            fixes.append(Fix("overtime", min(late or short, gain), gain >= short, a.machine_id, spans=tried))
    capacities = {m.id: m.capacity for m in problem.machines}
    for alt in op.alternatives:
        if alt.machine_id == a.machine_id:
            continue
        start = _earliest(by_machine.get(alt.machine_id, []), calendars[alt.machine_id], ready, alt.length,
                          capacities[alt.machine_id], latest=a.end - alt.length - 1)  # fmt: skip
        gain = a.end - (start + alt.length) if start is not None else 0
        if gain > 0:
            fixes.append(Fix("alternative", min(late, gain), gain >= short, alt.machine_id, operation_id=op.id))
    if late:
        fixes.append(Fix("promise", late, True, new_due=completion))
    kind_order = {"alternative": 0, "overtime": 1, "promise": 2}
    fixes.sort(key=lambda f: (f.kind == "promise", not f.fixes_it, -f.saves, kind_order[f.kind]))
    return tuple(fixes)


def _earliest(busy, calendar, earliest, length, capacity, *, latest):
    """The earliest start in [`earliest`, `latest`] of `length` open minutes in one piece, with
    fewer than `capacity` operations running at any moment of it; None if there is none."""
    ends = [b for _, b, _ in busy if earliest < b <= latest] + [b for b in calendar.ends if earliest < b <= latest]
    for start in sorted({earliest, *ends}):
        if start > latest:
            return None
        end = start + length
        if calendar.open_minutes(start, end) != length:
            continue
        overlapping = [(s, e) for s, e, _ in busy if s < end and e > start]
        if len(overlapping) < capacity or _peak(overlapping) < capacity:
            return start
    return None


def _gain_with(spans, calendar, ready, ahead, capacity, a):
    """Minutes earlier the operation would end with overtime `spans`: the work ahead of it
    first, then itself in one piece."""
    # Only the closures between its ready time and its end matter: the calendar rebuilt on that
    # window is what keeps 500 orders' explanations under the benchmark's 2 s.
    first = bisect_right(calendar.ends, ready)
    last = bisect_right(calendar.starts, a.end)
    extended = _Calendar(opened(calendar.closed[first:last], spans), calendar.horizon_end)
    cursor = extended.after_open(ready, ahead // capacity)
    start = _earliest([], extended, cursor, a.end - a.start, 1, latest=a.start)
    return 0 if start is None else a.start - start


def opened(closed, spans):
    """Closed spans with the open `spans` cut out of them."""
    result = list(closed)
    for start, end in spans:
        cut = []
        for a, b in result:
            if b <= start or a >= end:
                cut.append((a, b))
                continue
            if a < start:
                cut.append((a, start))
            if end < b:
                cut.append((end, b))
        result = cut
    return result


def _peak(spans):
    events = sorted([(s, 1) for s, _ in spans] + [(e, -1) for _, e in spans])
    peak = running = 0
    for _, step in events:
        running += step
        peak = max(peak, running)
    return peak
