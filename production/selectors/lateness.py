"""Why each late or at-risk order is late, in the planner's words: the plan on the floor read
back into the engine's terms (planning.snapshot) and explained by production.lateness."""

from dataclasses import dataclass
from datetime import datetime

from .. import lateness, planning, routing, scheduling
from ..models import RoutingTemplate, WorkOrder
from ..scheduling.model import build_schedule


@dataclass(frozen=True)
class Suggestion:
    kind: str  # "overtime", "alternative", "promise"
    words: str
    fixes_it: bool
    saves_minutes: int
    work_center: object = None
    spans: tuple = ()  # ((start, end) datetimes) for overtime
    operation: object = None
    new_due: datetime | None = None


@dataclass(frozen=True)
class Reason:
    work_order: WorkOrder
    late_minutes: int
    at_risk: bool
    planned_end: datetime
    bottleneck: object  # WorkCenter
    operation: object
    waited_minutes: int
    ahead: tuple  # (WorkOrder, reasons in words)
    missing_minutes: int
    days: tuple  # (date, planned, open, missing) minutes
    suggestions: tuple
    words: str


def live_schedule(snap):
    """The plan on the floor as a Schedule of the snapshot's problem (operations not yet planned are left out)."""
    assignments = dict(snap.previous)
    for pin in snap.problem.frozen:
        assignments[pin.operation_id] = scheduling.Assignment(pin.machine_id, pin.start, pin.end)
    planned = {job.id for job in snap.problem.jobs if all(op.id in assignments for op in job.operations)}
    problem = scheduling.Problem(
        machines=snap.problem.machines,
        jobs=tuple(job for job in snap.problem.jobs if job.id in planned),
        frozen=snap.problem.frozen,
        horizon_start=snap.problem.horizon_start,
        horizon_end=snap.problem.horizon_end,
    )
    ids = {op.id for job in problem.jobs for op in job.operations}
    kept = {key: value for key, value in assignments.items() if key in ids}
    return problem, build_schedule(problem, kept, status="heuristic", method="heuristic")


def job_facts(snap):
    """Rush (the configuration sets its family's rush option) and frozen, per work order number."""
    orders = {op.work_order.number: op.work_order for op in snap.operations.values()}
    rush_options = dict(RoutingTemplate.objects.values_list("family_slug", "rush_option"))
    return {
        number: lateness.JobFacts(
            rush=routing.is_rush(wo.configuration or {}, rush_options.get(wo.family_slug, "")), frozen=wo.frozen
        )
        for number, wo in orders.items()
    }


def _hours(minutes):
    return f"{minutes / 60:.1f} h"


def why_late(plant, *, now=None, only=None):
    """A Reason per late or at-risk open work order of the plant, most late first."""
    snap = planning.snapshot(plant, now=now)
    problem, schedule = live_schedule(snap)
    explained = lateness.explain(problem, schedule, facts=job_facts(snap), only=only)
    orders = {op.work_order.number: op.work_order for op in snap.operations.values()}
    clock = snap.clock
    reasons = []
    for why in explained:
        work_order = orders[why.job_id]
        center = snap.work_centers[why.bottleneck]
        operation = snap.operations[why.operation_id]
        ahead = []
        seen = set()
        for row in why.ahead:
            if row.job_id not in seen:
                seen.add(row.job_id)
                ahead.append((orders[row.job_id], ", ".join(row.reasons)))
        days = tuple(
            (clock.moment(d.day * lateness.DAY).astimezone(planning.plant_zone()).date(), d.planned, d.open, d.missing)
            for d in why.days
        )
        suggestions = tuple(_suggestion(fix, snap, operation) for fix in why.fixes)
        state = f"late by {_hours(why.late)}" if why.late else f"at risk ({_hours(max(0, why.slack))} to spare)"
        words = (
            f"{work_order.number} is {state}: its {operation.name.lower()} waited {_hours(why.waited)} of "
            f"{center}'s open time"
            + (f" behind {len(ahead)} other order{'s' if len(ahead) != 1 else ''}" if ahead else "")
            + (f"; {center} lacks {why.missing} minutes of capacity before it." if why.missing else ".")
        )
        reasons.append(
            Reason(
                work_order,
                why.late,
                why.at_risk,
                clock.moment(why.completion),
                center,
                operation,
                why.waited,
                tuple(ahead),
                why.missing,
                days,
                suggestions,
                words,
            )
        )
    return reasons


def _suggestion(fix, snap, operation):
    clock, zone = snap.clock, planning.plant_zone()
    if fix.kind == "overtime":
        center = snap.work_centers[fix.machine_id]
        spans = tuple((clock.moment(a), clock.moment(b)) for a, b in fix.spans)
        when = "; ".join(f"{a.astimezone(zone):%a %d %b %H:%M}–{b.astimezone(zone):%H:%M}" for a, b in spans)
        hours = sum(b - a for a, b in fix.spans)
        return Suggestion("overtime", f"Overtime on {center}: {when} ({_hours(hours)})", fix.fixes_it, fix.saves,
                          work_center=center, spans=spans)  # fmt: skip
    if fix.kind == "alternative":
        center = snap.work_centers[fix.machine_id]
        return Suggestion("alternative", f"Move {operation.name.lower()} to {center}", fix.fixes_it, fix.saves,
                          work_center=center, operation=operation)  # fmt: skip
    due = clock.moment(fix.new_due)
    return Suggestion("promise", f"Promise {due.astimezone(zone):%a %d %b %H:%M} (its planned end)", True, fix.saves,
                      new_due=due)  # fmt: skip
