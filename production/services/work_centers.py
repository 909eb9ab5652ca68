"""Planners maintain a work center: its name, capacity, rate per hour, calendar, and the routing
steps it may run (the alternatives the plan chooses among)."""

from django.db import IntegrityError, transaction
from django.db.models import F

from .. import factory_rules
from ..models import Plant, RoutingStep, WorkCenter
from .audit import record_event
from .calendars import FactoryError

MAX_CAPACITY = 50  # operations at once: a bound a typo (500) does not pass


def _who(user):
    return user.get_full_name() or user.get_username()


def _open_minutes(calendar):
    shifts = calendar.shifts.values_list("weekday", "start", "end")
    return factory_rules.weekly_open_minutes(shifts, calendar.breaks.values_list("start", "end"))


def _field_problems(capacity, rate_per_hour, calendar, *, calendar_kept=False):
    """Why these values cannot be a work center's, in words ([] when they can). A calendar the
    center already has is not checked again: it was planned with until now."""
    problems = []
    if not 1 <= capacity <= MAX_CAPACITY:
        problems.append(f"Capacity is how many operations run at once: from 1 to {MAX_CAPACITY}.")
    if rate_per_hour < 0:
        problems.append("A rate per hour is not negative.")
    if not problems and not calendar_kept and not _open_minutes(calendar):
        problems.append(f"{calendar.name} has no open time: give it shifts first.")
    return problems


def _code_taken(code, *, by):
    return FactoryError(f"The code “{code}” is taken by {by}; choose another.")


def add_work_center(*, plant, code, name, capacity, rate_per_hour, calendar, steps, user):
    """A new work center in `plant`, eligible for the routing steps `steps` (none is allowed: it
    then gets no work until a step names it).

    Refused (FactoryError, nothing created) for the values `update_work_center` refuses, when
    another center has the code, or when a step is of another plant's routing. Bumps the plant's
    plan revision when it may run a step (the plan has a new alternative); the caller re-plans.
    """
    problems = _field_problems(capacity, rate_per_hour, calendar)
    taken = WorkCenter.objects.filter(code=code).first()
    if taken is not None:
        problems.insert(0, _code_taken(code, by=taken.name).messages[0])
    problems += [
        f"{step.routing.name}, step “{step.name}” is made in {step.routing.plant}, not in {plant}."
        for step in steps
        if step.routing.plant_id != plant.pk
    ]
    if problems:
        raise FactoryError(problems)
    try:
        with transaction.atomic():
            center = WorkCenter.objects.create(
                plant=plant, code=code, name=name, capacity=capacity, rate_per_hour=rate_per_hour, calendar=calendar
            )
            center.routing_steps.set(steps)
            runs = "; ".join(f"may run {step.routing.name}: {step.name}" for step in steps) or "runs no step yet"
            if steps:
                Plant.objects.filter(pk=plant.pk).update(plan_revision=F("plan_revision") + 1)
            record_event(
                kind="work-center",
                description=f"{center} added to {plant}: capacity {capacity}, rate per hour {rate_per_hour}, "
                f"calendar {calendar}; {runs}, by {_who(user)}",
                user=user,
            )
    except IntegrityError:
        # Two planners adding one code at once: the unique code refuses the second.
        raise _code_taken(code, by="another work center") from None
    return center


def update_work_center(*, work_center, name, capacity, rate_per_hour, calendar, steps, user):
    """Save the work center and set the routing steps it is eligible for (`steps`, all of them).

    Refused (FactoryError, nothing changed) when the capacity is outside 1..MAX_CAPACITY, the
    rate is negative, the new calendar has no open time, or a step it leaves would have no
    eligible work center left. Locks the center and the steps it is on, so two planners' saves
    apply one after the other. Returns what changed, in words ([] for a save that changes nothing).
    """
    problems = _field_problems(capacity, rate_per_hour, calendar, calendar_kept=calendar.pk == work_center.calendar_id)
    if problems:
        raise FactoryError(problems)
    with transaction.atomic():
        current = WorkCenter.objects.select_for_update().get(pk=work_center.pk)
        wanted = {step.pk for step in steps}
        on = list(
            RoutingStep.objects.select_for_update()
            .filter(work_centers=current)
            .select_related("routing")
            .order_by("pk")
        )
        leaving = [step for step in on if step.pk not in wanted]
        alone = [step for step in leaving if step.work_centers.count() == 1]
        if alone:
            raise FactoryError(
                [
                    f"{step.routing.name}, step “{step.name}” would have no eligible work center: "
                    "add another center to it first."
                    for step in alone
                ]
            )
        changes = []
        for field, value in (
            ("name", name),
            ("capacity", capacity),
            ("rate_per_hour", rate_per_hour),
            ("calendar", calendar),
        ):
            if getattr(current, field) != value:
                changes.append(f"{field.replace('_', ' ')} {getattr(current, field)} → {value}")
                setattr(current, field, value)
        current.save()
        joining = RoutingStep.objects.filter(pk__in=wanted).exclude(work_centers=current).select_related("routing")
        for step in joining:
            step.work_centers.add(current)
            changes.append(f"may run {step.routing.name}: {step.name}")
        for step in leaving:
            step.work_centers.remove(current)
            changes.append(f"no longer runs {step.routing.name}: {step.name}")
        if changes:
            Plant.objects.filter(pk=current.plant_id).update(plan_revision=F("plan_revision") + 1)
            record_event(kind="work-center", description=f"{current}: {'; '.join(changes)}, by {_who(user)}", user=user)
    work_center.refresh_from_db()
    return changes
