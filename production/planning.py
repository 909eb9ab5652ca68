"""The database as the engine sees it, and back: rows -> scheduling.Problem -> rows.

Time in the engine is whole minutes from an origin: midnight (plant time) of the day the plan
is made, taken in UTC so daylight-saving changes do not shift the arithmetic. Calendars are
expanded day by day over the horizon into open spans, and everything else is a closure.
"""

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from . import scheduling
from .models import Downtime, Holiday, Operation, Overtime, WorkCenter, WorkOrder


def plant_zone():
    return ZoneInfo(settings.TIME_ZONE)


def plan_origin(now: datetime) -> datetime:
    local = now.astimezone(plant_zone())
    return local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(UTC)


@dataclass
class Clock:
    origin: datetime

    def minute(self, moment: datetime) -> int:
        return math.floor((moment - self.origin).total_seconds() / 60)

    def moment(self, minute: int) -> datetime:
        return self.origin + timedelta(minutes=minute)


def open_spans(work_center, clock: Clock, days: int, shifts, breaks, holidays, downtimes):
    """Open spans (engine minutes) of a work center over `days` days from the origin's date."""
    zone = plant_zone()
    first_day = clock.origin.astimezone(zone).date()
    spans = []
    for offset in range(days + 1):
        day = first_day + timedelta(days=offset)
        if day in holidays:
            continue
        for shift in shifts:
            if shift.weekday != day.weekday():
                continue
            start = datetime.combine(day, shift.start, zone)
            end = datetime.combine(day, shift.end, zone)
            pieces = [(start, end)]
            for pause in breaks:
                pause_start, pause_end = (
                    datetime.combine(day, pause.start, zone),
                    datetime.combine(day, pause.end, zone),
                )
                cut = []
                for a, b in pieces:
                    if pause_end <= a or pause_start >= b:
                        cut.append((a, b))
                        continue
                    if a < pause_start:
                        cut.append((a, pause_start))
                    if pause_end < b:
                        cut.append((pause_end, b))
                pieces = cut
            spans.extend((clock.minute(a), clock.minute(b)) for a, b in pieces)
    return spans


def overtime_spans(clock: Clock, overtimes, horizon_end: int):
    """Overtime as open spans (engine minutes), clipped to the horizon. Open exactly as given: a
    planner who books 15:30-18:00 works through what would be a break; downtime still closes it."""
    spans = []
    for extra in overtimes:
        start, end = max(0, clock.minute(extra.start)), min(horizon_end, clock.minute(extra.end))
        if end > start:
            spans.append((start, end))
    return spans


def machine_for(work_center, clock: Clock, days: int, calendar_rows, downtimes, overtimes=()) -> scheduling.Machine:
    shifts, breaks, holidays = calendar_rows[work_center.calendar_id]
    horizon_end = days * 24 * 60
    openings = open_spans(work_center, clock, days, shifts, breaks, holidays, downtimes)
    openings += overtime_spans(clock, overtimes, horizon_end)
    closed = list(scheduling.closures_from_openings(openings, 0, horizon_end))
    for down in downtimes:
        start, end = max(0, clock.minute(down.start)), min(horizon_end, clock.minute(down.end))
        if end > start:
            closed.append((start, end))
    return scheduling.Machine(
        id=work_center.code, name=work_center.name, capacity=work_center.capacity, unavailable=tuple(closed)
    )


def operation_key(operation) -> str:
    """The engine's id for an operation: readable in a planning error ("WO-00012:paint")."""
    return f"{operation.work_order.number}:{operation.code}"


@dataclass
class Snapshot:
    """A Problem and how to map its ids back to rows."""

    problem: scheduling.Problem
    clock: Clock
    operations: dict = field(default_factory=dict)  # engine id -> Operation row
    work_centers: dict = field(default_factory=dict)  # code -> WorkCenter row
    previous: dict = field(default_factory=dict)  # engine id -> Assignment from the current plan
    revision: int = 0


@dataclass(frozen=True)
class Changes:
    """Changes a what-if adds to what the database holds, never saved: unsaved Overtime and
    Downtime rows, and work orders' weights ({work order pk: weight}) as if made rush."""

    overtimes: tuple = ()
    downtimes: tuple = ()
    weights: dict = field(default_factory=dict)


def snapshot(plant, *, now=None, changes: Changes | None = None) -> Snapshot:
    """Read the plant's open work into a Problem (plus the current plan as a hint).

    `changes` (a what-if) are planned as if they were in the database; nothing is written."""
    changes = changes or Changes()
    now = now or timezone.now()
    clock = Clock(plan_origin(now))
    days = settings.PRODUCTION_HORIZON_DAYS
    now_minute = clock.minute(now)
    work_centers = {wc.code: wc for wc in WorkCenter.objects.filter(plant=plant).select_related("calendar")}
    calendar_rows = {}
    for wc in work_centers.values():
        if wc.calendar_id not in calendar_rows:
            calendar = wc.calendar
            calendar_rows[wc.calendar_id] = (
                list(calendar.shifts.all()),
                list(calendar.breaks.all()),
                set(Holiday.objects.filter(calendar=calendar).values_list("date", flat=True)),
            )
    horizon_end_moment = clock.moment(days * 24 * 60)
    downtimes = {}
    for down in Downtime.objects.filter(work_center__plant=plant, end__gt=clock.origin, start__lt=horizon_end_moment):
        downtimes.setdefault(down.work_center_id, []).append(down)
    overtimes = {}
    for extra in Overtime.objects.filter(work_center__plant=plant, end__gt=clock.origin, start__lt=horizon_end_moment):
        overtimes.setdefault(extra.work_center_id, []).append(extra)
    for down in changes.downtimes:
        downtimes.setdefault(down.work_center_id, []).append(down)
    for extra in changes.overtimes:
        overtimes.setdefault(extra.work_center_id, []).append(extra)
    machines = tuple(
        machine_for(wc, clock, days, calendar_rows, downtimes.get(wc.pk, []), overtimes.get(wc.pk, []))
        for wc in work_centers.values()
    )
    by_id = {wc.pk: wc for wc in work_centers.values()}

    operations = (
        Operation.objects.filter(work_order__plant=plant)
        .exclude(work_order__in=WorkOrder.objects.exclude(operations__status__in=["planned", "started", "blocked"]))
        .select_related("work_order", "work_center")
        .prefetch_related("alternatives", "after")
        .order_by("work_order__due_at", "work_order_id", "sequence")
    )
    snap = Snapshot(problem=None, clock=clock, work_centers=work_centers, revision=plant.plan_revision)
    jobs, frozen = [], []
    by_order = {}
    for op in operations:
        by_order.setdefault(op.work_order, []).append(op)
    for work_order, ops in by_order.items():
        blocked = any(op.status == Operation.BLOCKED for op in ops)
        job_ops = []
        for op in ops:
            in_progress = op.status in (Operation.STARTED, Operation.FINISHED)
            if blocked and not in_progress:
                continue  # a blocked order holds no capacity beyond what it already uses
            key = operation_key(op)
            snap.operations[key] = op
            alternatives = tuple(
                scheduling.Alternative(by_id[alt.work_center_id].code, alt.minutes, alt.setup)
                for alt in op.alternatives.all()
                if alt.work_center_id in by_id and (not op.pinned or alt.work_center_id == op.work_center_id)
            )
            job_ops.append(
                scheduling.Operation(
                    id=key,
                    job_id=work_order.number,
                    alternatives=alternatives,
                    predecessors=tuple(operation_key(before) for before in op.after.all() if before in ops),
                )
            )
            pin = _frozen(op, clock, now_minute, frozen_order=work_order.frozen)
            if pin is not None:
                frozen.append(pin)
            elif op.planned_start and op.work_center_id:
                snap.previous[key] = scheduling.Assignment(
                    op.work_center.code, clock.minute(op.planned_start), clock.minute(op.planned_end)
                )
        if job_ops:
            jobs.append(
                scheduling.Job(
                    id=work_order.number,
                    operations=tuple(job_ops),
                    release=max(0, clock.minute(work_order.released_at)),
                    due=clock.minute(work_order.due_at),
                    weight=changes.weights.get(work_order.pk, work_order.weight),
                )
            )
    snap.problem = scheduling.Problem(
        machines=machines,
        jobs=tuple(jobs),
        frozen=tuple(frozen),
        horizon_start=max(0, now_minute),
        horizon_end=days * 24 * 60,
    )
    return snap


def _frozen(op, clock, now_minute, *, frozen_order):
    """Operations whose times are facts (started, finished) or were pinned by the planner."""
    key = operation_key(op)
    code = op.work_center.code if op.work_center_id else None
    length = max((alt.setup + alt.minutes for alt in op.alternatives.all()), default=1)
    if op.status == Operation.FINISHED and op.actual_start:
        start = clock.minute(op.actual_start)
        end = clock.minute(op.actual_end or op.actual_start)
        return scheduling.FrozenAssignment(key, code, start, max(end, start + 1))
    if op.status == Operation.STARTED and op.actual_start:
        start = clock.minute(op.actual_start)
        # Still running: it holds the work center at least until now, or its expected end.
        return scheduling.FrozenAssignment(key, code, start, max(start + length, now_minute + 1))
    if (op.frozen or frozen_order) and op.planned_start and code:
        return scheduling.FrozenAssignment(key, code, clock.minute(op.planned_start), clock.minute(op.planned_end))
    return None


def previous_schedule(snap: Snapshot):
    """The plan on the floor as a Schedule, for the engine's re-plan (hint and moved operations)."""
    if not snap.previous:
        return None
    return scheduling.Schedule(
        assignments=dict(snap.previous),
        status="heuristic",
        method="heuristic",
        makespan=0,
        weighted_tardiness=0,
        completion={},
        tardiness={},
    )
