"""Dropping an operation on the board's Gantt: a work center and a start, checked, then held there.

A drop is the planner's decision about one operation, so the operation is held where it was
dropped (`Operation.frozen` at the start, `pinned` on the center) and the re-plan that follows
moves the rest around it; the planner is told which other operations moved. The engine holds an
operation only with the steps before it held too (scheduling.validation), so those planned steps
are held where the plan has them; they all end before the drop.

Every check is made here, whatever the page allowed: only a planned operation of a work order
that is not frozen moves; the center must be one of its eligible ones; the whole operation must
fall in the center's open time (shifts less breaks, holidays and downtime; overtime opens) and
after now; after its predecessors' planned ends, before any held successor, and where held work
leaves the center room. The drop is written with the same conditional update as the board's form
(the operation still where it was read) and only on the plan revision the page was drawn from,
so a drop from a page older than the plan is refused and nothing changes. Dropping the same
operation on the same spot again (a double drop) changes nothing and says so.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from .. import planning
from ..models import Operation, Plant
from .audit import record_event
from .floor import ProductionActionError
from .replanning import replan


class DropRefused(ProductionActionError):
    """A drop that cannot be done as asked (bad input): nothing was changed; the message says why."""

    status = 400


class DropConflict(DropRefused):
    """The board the drop came from is older than the plan, or the operation cannot move now."""

    status = 409


class StalePlan(DropConflict):
    """Someone changed the plan since the page was drawn: the page reloads."""


@dataclass(frozen=True)
class Drop:
    operation: Operation
    work_center: object
    start: datetime
    end: datetime
    changed: bool


@dataclass(frozen=True)
class Moved:
    """An operation the re-plan after the drop put elsewhere (not the dropped one)."""

    operation: Operation
    before: tuple
    after: tuple

    @property
    def words(self):
        (_, was_start, _), (center, start, end) = self.before, self.after
        return f"{self.operation} ({_when(was_start)} → {_when(start)}–{_clock(end)} on {center})"


def _clock(moment):
    return f"{timezone.localtime(moment):%H:%M}"


def _when(moment):
    return f"{timezone.localtime(moment):%a %d %b %H:%M}"


def snapped(moment):
    """The start to the minute, as the engine plans. The page moves bars by quarter hours from where
    the plan put them (at any minute), so a bar only moved to another center keeps its start."""
    return timezone.localtime(moment).replace(second=0, microsecond=0)


def drop_operation(*, operation, work_center, start, revision, user, now=None):
    """Hold `operation` on `work_center` from `start`, if the plan is still at `revision`. Returns a Drop.

    Raises DropRefused (bad input: 400) or DropConflict (the operation or the plan changed: 409),
    with nothing changed.
    """
    now = now or timezone.now()
    start = snapped(start)
    if operation.status != Operation.PLANNED:
        raise DropConflict(f"{operation} is {operation.get_status_display().lower()}; only planned operations move.")
    if operation.work_order.frozen:
        raise DropConflict(f"{operation.work_order.number} is frozen; unfreeze it before moving its operations.")
    alternative = operation.alternatives.filter(work_center=work_center).first()
    if alternative is None:
        raise DropRefused(f"{work_center} is not an eligible work center for {operation}; nothing was moved.")
    end = start + timedelta(minutes=alternative.setup + alternative.minutes)
    if operation.frozen and operation.work_center_id == work_center.pk and operation.planned_start == start:
        return Drop(operation, work_center, start, operation.planned_end, changed=False)
    if operation.work_order.plant.plan_revision != revision:
        raise StalePlan("The plan changed since this board was drawn; it was reloaded. Nothing was moved.")
    if start < now:
        raise DropRefused(f"{_when(start)} has passed; an operation moves to a time still ahead.")
    chain = _check_order(operation, start, end)
    _check_open(work_center, start, end)
    _check_room(operation, work_center, start, end, now)
    with transaction.atomic():
        # As the board's form: written only if the operation is still planned where it was read,
        # then only on the revision the page was drawn from (operation first, then the plant, the
        # order in which re-planning takes its locks).
        read = {"work_center_id": operation.work_center_id, "planned_start": operation.planned_start}
        held = {"work_center": work_center, "planned_start": start, "planned_end": end, "pinned": True, "frozen": True}
        if not Operation.objects.filter(pk=operation.pk, status=Operation.PLANNED, **read).update(**held):
            raise DropConflict(f"{operation} changed meanwhile; nothing was moved. Reload the board.")
        # The engine holds an operation only with the steps before it held too: they stay where
        # the plan has them (all end before the drop, as checked).
        for before in chain:
            still = {"status": Operation.PLANNED, "planned_start": before.planned_start}
            if not Operation.objects.filter(pk=before.pk, **still).update(frozen=True):
                transaction.set_rollback(True)
                raise DropConflict(f"{before} changed meanwhile; nothing was moved. Reload the board.")
        plant = Plant.objects.filter(pk=operation.work_order.plant_id, plan_revision=revision)
        if not plant.update(plan_revision=F("plan_revision") + 1):
            transaction.set_rollback(True)
            raise StalePlan("The plan changed since this board was drawn; it was reloaded. Nothing was moved.")
        record_event(
            kind="moved",
            description=(
                f"{operation} dragged from {operation.work_center or 'nowhere'} to {work_center}, "
                f"held at {_when(start)}–{_clock(end)} by {user.get_full_name() or user.get_username()}"
            ),
            user=user,
            work_order=operation.work_order,
            operation=operation,
        )
    operation.refresh_from_db()
    return Drop(operation, work_center, start, end, changed=True)


def drop_and_replan(*, operation, work_center, start, revision, user, now=None):
    """The drop, then the re-plan around it: (Drop, PlanRun or None, [Moved]). No re-plan when nothing changed."""
    drop = drop_operation(
        operation=operation, work_center=work_center, start=start, revision=revision, user=user, now=now
    )
    if not drop.changed:
        return drop, None, []
    plant = operation.work_order.plant
    before = _positions(plant)
    run = replan(plant=plant, trigger=f"{operation} dragged", user=user, now=now)
    after = _positions(plant)
    moved = [
        Moved(row, before[pk], after[pk])
        for pk, row in _open_rows(plant).items()
        if pk != operation.pk and pk in before and before[pk] != after.get(pk)
    ]
    return drop, run, sorted(moved, key=lambda m: (m.after[1], m.operation.pk))


def _open_rows(plant):
    rows = Operation.objects.filter(work_order__plant=plant, status=Operation.PLANNED, planned_start__isnull=False)
    return {op.pk: op for op in rows.select_related("work_order", "work_center")}


def _positions(plant):
    return {pk: (op.work_center, op.planned_start, op.planned_end) for pk, op in _open_rows(plant).items()}


def _check_open(work_center, start, end):
    """The whole of [start, end) in the center's open time, else a refusal naming what closes it.

    Open time as the engine sees it (production.planning): shifts less breaks and holidays, plus
    overtime, less downtime.
    """
    down = work_center.downtimes.filter(start__lt=end, end__gt=start).first()
    if down is not None:
        reason = f": {down.reason}" if down.reason else ""
        raise DropRefused(f"{work_center} is down {_when(down.start)}–{_clock(down.end)}{reason}; nothing was moved.")
    calendar = work_center.calendar
    first_day, last_day = timezone.localtime(start).date(), timezone.localtime(end).date()
    holidays = {h.date: h for h in calendar.holidays.filter(date__gte=first_day, date__lte=last_day)}
    clock = planning.Clock(planning.plan_origin(start))
    days = (last_day - first_day).days + 1
    spans = planning.open_spans(
        work_center, clock, days, list(calendar.shifts.all()), list(calendar.breaks.all()), set(holidays), []
    )
    overtime = work_center.overtimes.filter(start__lt=end, end__gt=start)
    spans += [(clock.minute(extra.start), clock.minute(extra.end)) for extra in overtime]
    first, last = clock.minute(start), clock.minute(end)
    if any(a <= first and last <= b for a, b in _merged(spans)):
        return
    if holidays:
        holiday = next(iter(holidays.values()))
        name = f" ({holiday.name})" if holiday.name else ""
        raise DropRefused(f"{work_center} is closed on {holiday.date:%a %d %b}{name}; nothing was moved.")
    raise DropRefused(
        f"{work_center} is closed for part of {_when(start)}–{_clock(end)} (outside its shifts or in a break); "
        "nothing was moved."
    )


def _merged(spans):
    merged = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def _is_held(op):
    return op.status in (Operation.STARTED, Operation.FINISHED) or op.frozen or op.work_order.frozen


def _earlier_steps(operation):
    """Every step the operation waits for, directly or through others (withdrawn ones aside)."""
    seen, todo = {}, [operation]
    while todo:
        for before in todo.pop().after.exclude(status=Operation.WITHDRAWN).select_related("work_order"):
            if before.pk not in seen:
                seen[before.pk] = before
                todo.append(before)
    return list(seen.values())


def _check_order(operation, start, end):
    """After every earlier step's planned end; before every later step the re-plan cannot push.

    Returns the earlier steps to hold with it (planned, not held yet)."""
    earlier = _earlier_steps(operation)
    for before in earlier:
        if before.planned_end is None:
            raise DropRefused(f"{operation} waits for {before.name}, which is not planned yet; nothing was moved.")
        if before.planned_end > start:
            raise DropRefused(
                f"{operation} comes after {before.name}, planned to end {_when(before.planned_end)}; nothing was moved."
            )
    live = ~Q(status=Operation.WITHDRAWN)
    for after in operation.before.filter(live).exclude(planned_start=None).select_related("work_order"):
        if _is_held(after) and after.planned_start < end:
            raise DropRefused(
                f"{operation} must end before {after.name}, held at {_when(after.planned_start)}; nothing was moved."
            )
    return [before for before in earlier if before.status == Operation.PLANNED and not before.frozen]


def _check_room(operation, work_center, start, end, now):
    """Held work (started, finished, frozen) on the center leaves room for the operation."""
    held = (
        Operation.objects.filter(work_center=work_center, planned_start__lt=end, planned_end__isnull=False)
        .filter(Q(status__in=[Operation.STARTED, Operation.FINISHED]) | Q(frozen=True) | Q(work_order__frozen=True))
        .exclude(pk=operation.pk)
        .exclude(status=Operation.WITHDRAWN)
        .select_related("work_order")
    )
    # A started operation holds the center until its planned end or now, whichever is later.
    busy = [op for op in held if max(op.planned_end, now if op.status == Operation.STARTED else op.planned_end) > start]
    if len(busy) >= work_center.capacity:
        names = ", ".join(str(op) for op in busy[:3])
        raise DropRefused(f"{work_center} is taken then by {names}, which the plan cannot move; nothing was moved.")


def release_operation(*, operation, user):
    """Let the plan move a held operation again, with the held later steps of its work order (the
    engine holds a step only with the steps before it). Releasing what is not held changes nothing.
    Returns the number of operations released."""
    chain, todo = {operation.pk: operation}, [operation]
    while todo:
        for after in todo.pop().before.filter(status=Operation.PLANNED, frozen=True).select_related("work_order"):
            if after.pk not in chain:
                chain[after.pk] = after
                todo.append(after)
    with transaction.atomic():
        released = Operation.objects.filter(pk__in=chain, status=Operation.PLANNED, frozen=True).update(
            frozen=False, pinned=False
        )
        if not released:
            return 0
        Plant.objects.filter(pk=operation.work_order.plant_id).update(plan_revision=F("plan_revision") + 1)
        record_event(
            kind="hold-released",
            description=f"{operation} released to the plan by {user.get_full_name() or user.get_username()}"
            + (f" with {released - 1} later step{'s' if released != 2 else ''}" if released > 1 else ""),
            user=user,
            work_order=operation.work_order,
            operation=operation,
        )
    return released
