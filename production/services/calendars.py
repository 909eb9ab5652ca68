"""Planners maintain calendars: the weekly shifts and breaks, holidays, and overtime on a center.

Each write checks what would make the factory unplannable or contradict the floor, and refuses
with a `FactoryError` that says why, changing nothing (one transaction each). A write that is
done bumps the plan revision of every plant using the calendar, so a re-plan computed meanwhile
is computed again; the caller then re-plans (`services.replanning.replan`).
"""

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from .. import factory_rules, planning
from ..models import Break as Pause
from ..models import Calendar, Holiday, Operation, Overtime, Plant, Shift, WorkCenter
from .audit import record_event
from .floor import ProductionActionError


class FactoryError(ProductionActionError):
    """A change to the factory's data that is refused; the messages say why."""


def _who(user):
    return user.get_full_name() or user.get_username()


def plants_using(calendar):
    return list(Plant.objects.filter(work_centers__calendar=calendar).distinct().order_by("pk"))


def _bump_plants(calendar):
    Plant.objects.filter(work_centers__calendar=calendar).update(plan_revision=F("plan_revision") + 1)


def _hours_problems(name, shifts, breaks):
    """Why these hours cannot be a calendar's, in words ([] when they can)."""
    problems = list(factory_rules.overlapping_shifts(shifts))
    for (a_start, a_end), (b_start, b_end) in factory_rules.overlapping_spans(breaks):
        problems.append(f"The breaks {a_start:%H:%M}–{a_end:%H:%M} and {b_start:%H:%M}–{b_end:%H:%M} overlap.")
    if not problems and factory_rules.weekly_open_minutes(shifts, breaks) == 0:
        problems.append(f"{name} would have no open time: give it at least one shift longer than its breaks.")
    return problems


def _write_hours(calendar, shifts, breaks, user, *, done=""):
    Shift.objects.bulk_create(Shift(calendar=calendar, weekday=d, start=s, end=e) for d, s, e in shifts)
    Pause.objects.bulk_create(Pause(calendar=calendar, start=s, end=e) for s, e in breaks)
    open_hours = factory_rules.weekly_open_minutes(shifts, breaks) / 60
    record_event(
        kind="calendar",
        description=f"{calendar.name}{done}: {len(shifts)} shifts, {len(breaks)} breaks, "
        f"{open_hours:g} open hours a week, by {_who(user)}",
        user=user,
    )


def set_calendar_hours(*, calendar, shifts, breaks, user):
    """Replace the calendar's weekly shifts [(weekday, start, end)] and daily breaks [(start, end)].

    Refused (FactoryError, nothing changed) when two shifts of a day overlap, two breaks overlap,
    or what is left is no open time at all (no work center on it could ever be planned). Locks
    the calendar row, so two planners saving at once apply one after the other.
    """
    problems = _hours_problems(calendar.name, shifts, breaks)
    if problems:
        raise FactoryError(problems)
    with transaction.atomic():
        Calendar.objects.select_for_update().get(pk=calendar.pk)
        calendar.shifts.all().delete()
        calendar.breaks.all().delete()
        _bump_plants(calendar)
        _write_hours(calendar, shifts, breaks, user)


def _name_taken(name):
    return FactoryError(f"There is already a calendar named “{name}”; choose another name.")


def add_calendar(*, name, shifts, breaks, user):
    """A new calendar with its weekly shifts and daily breaks, as `set_calendar_hours` takes them.

    Refused (FactoryError, nothing created) for the same hours `set_calendar_hours` refuses, and
    when another calendar has the name (in any case: "day shift" beside "Day shift" would only
    confuse). No work center is on it yet, so no plan changes.
    """
    problems = _hours_problems(name, shifts, breaks)
    if Calendar.objects.filter(name__iexact=name).exists():
        problems.insert(0, _name_taken(name).messages[0])
    if problems:
        raise FactoryError(problems)
    try:
        with transaction.atomic():
            calendar = Calendar.objects.create(name=name)
            _write_hours(calendar, shifts, breaks, user, done=" added")
    except IntegrityError:
        # Two planners adding one name at once: the unique name refuses the second.
        raise _name_taken(name) from None
    return calendar


def _day_bounds(day):
    zone = planning.plant_zone()
    start = datetime.combine(day, datetime.min.time(), zone)
    return start, start + timedelta(days=1)


def operations_held_on(calendar, day):
    """Operations on the calendar's work centers that a holiday on `day` cannot move: started and
    running into that day, or frozen (the operation or its work order) and planned on it."""
    start, end = _day_bounds(day)
    on_calendar = Operation.objects.filter(work_center__calendar=calendar).select_related("work_order", "work_center")
    now = timezone.now()
    # A started operation holds its center from its start until it finishes: at least until now.
    held = [
        op
        for op in on_calendar.filter(status=Operation.STARTED, actual_start__lt=end)
        if max(op.planned_end or op.actual_start, now) > start
    ]
    frozen = on_calendar.filter(
        Q(frozen=True) | Q(work_order__frozen=True),
        status=Operation.PLANNED,
        planned_start__lt=end,
        planned_end__gt=start,
    )
    return held + [op for op in frozen if op not in held]


def add_holiday(*, calendar, day, name, user):
    """Close the calendar on `day`. Refused (nothing changed) when the day is already a holiday,
    or when an operation on one of its work centers is running then or frozen on that day: the
    floor has it, and the plan cannot move it. Planned work on that day moves at the next plan."""
    with transaction.atomic():
        Calendar.objects.select_for_update().get(pk=calendar.pk)
        existing = Holiday.objects.filter(calendar=calendar, date=day).first()
        if existing is not None:
            raise FactoryError(
                f"{day:%a %d %b %Y} is already a holiday on {calendar.name} ({existing.name or 'unnamed'})."
            )
        held = operations_held_on(calendar, day)
        if held:
            names = ", ".join(
                f"{op} on {op.work_center} ({op.get_status_display().lower()}"
                f"{', frozen' if op.frozen or op.work_order.frozen else ''})"
                for op in held[:5]
            )
            raise FactoryError(
                f"{day:%a %d %b %Y} cannot be a holiday on {calendar.name}: {names} "
                f"{'is' if len(held) == 1 else 'are'} held on that day. Finish or unfreeze first."
            )
        holiday = Holiday.objects.create(calendar=calendar, date=day, name=name)
        _bump_plants(calendar)
        record_event(
            kind="holiday",
            description=f"{calendar.name} closed on {day:%a %d %b %Y} ({name or 'holiday'}), by {_who(user)}",
            user=user,
        )
    return holiday


def remove_holiday(*, holiday, user):
    """Open the calendar again on a holiday's day; removing one already gone changes nothing."""
    with transaction.atomic():
        if not Holiday.objects.filter(pk=holiday.pk).delete()[0]:
            return False
        _bump_plants(holiday.calendar)
        record_event(
            kind="holiday",
            description=f"{holiday.calendar.name} open again on {holiday.date:%a %d %b %Y}, by {_who(user)}",
            user=user,
        )
    return True


def add_overtime(*, work_center, start, end, reason, user):
    """Extra open time on a work center over [start, end). Refused (nothing changed) when it ends
    before it starts or overlaps overtime the center already has."""
    if end <= start:
        raise FactoryError("Overtime ends after it starts.")
    with transaction.atomic():
        WorkCenter.objects.select_for_update().get(pk=work_center.pk)
        clash = Overtime.objects.filter(work_center=work_center, start__lt=end, end__gt=start).first()
        if clash is not None:
            zone = planning.plant_zone()
            raise FactoryError(
                f"{work_center} already has overtime {clash.start.astimezone(zone):%a %d %b %H:%M}–"
                f"{clash.end.astimezone(zone):%H:%M} across that time; change or remove it instead."
            )
        overtime = Overtime.objects.create(
            work_center=work_center, start=start, end=end, reason=reason, created_by=user
        )
        Plant.objects.filter(pk=work_center.plant_id).update(plan_revision=F("plan_revision") + 1)
        record_event(kind="overtime", description=f"{overtime}, by {_who(user)}", user=user)
    return overtime


def remove_overtime(*, overtime, user):
    with transaction.atomic():
        if not Overtime.objects.filter(pk=overtime.pk).delete()[0]:
            return False
        Plant.objects.filter(pk=overtime.work_center.plant_id).update(plan_revision=F("plan_revision") + 1)
        record_event(kind="overtime", description=f"{overtime} removed, by {_who(user)}", user=user)
    return True
