"""The fixes a planner applies from "why late" and "what-if": overtime on a work center, a
later promise, a rush; each checked against the plan revision the page was read at, so a page
older than the plan (a double click after the re-plan, a second planner) changes nothing."""

from django.db import transaction

from ..models import Overtime, Plant, WorkOrder
from .audit import record_event
from .floor import ProductionActionError, _bump, _who


def check_revision(plant, revision):
    """Lock the plant and refuse if its plan changed since the page showed revision `revision`."""
    locked = Plant.objects.select_for_update().get(pk=plant.pk)
    if revision is not None and locked.plan_revision != revision:
        raise ProductionActionError(
            "The plan changed since this page was opened; nothing was changed. Here is the plan as it is now."
        )
    return locked


def add_overtime(*, work_center, start, end, user, reason="", revision=None):
    """Open `work_center` over [start, end). Refused when inverted or overlapping its overtime."""
    if end <= start:
        raise ProductionActionError("Overtime ends after it starts.")
    with transaction.atomic():
        check_revision(work_center.plant, revision)
        clash = Overtime.objects.filter(work_center=work_center, start__lt=end, end__gt=start).first()
        if clash is not None:
            raise ProductionActionError(f"{clash} overlaps it; nothing was added.")
        overtime = Overtime.objects.create(
            work_center=work_center, start=start, end=end, reason=reason[:120], created_by=user
        )
        _bump(work_center.plant_id)
        record_event(
            kind="overtime",
            description=f"{work_center} overtime {start:%d %b %H:%M}–{end:%H:%M} by {_who(user)}: {reason}",
            user=user,
        )
    return overtime


def add_overtime_spans(*, work_center, spans, user, reason="", revision=None):
    """The why-late page's overtime, which may be several spans (an operation cut by a break):
    all added, or none when one is refused. Each span bumps the plan, hence `revision + n`."""
    with transaction.atomic():
        return [
            add_overtime(
                work_center=work_center, start=start, end=end, user=user, reason=reason,
                revision=None if revision is None else revision + n,
            )
            for n, (start, end) in enumerate(spans)
        ]  # fmt: skip


def promise_later(*, work_order, due_at, user, revision=None):
    """Move the work order's due time to `due_at` (its planned end). The shopper's promised ship
    date is customer care's to change and tell; this is the plant's own target."""
    with transaction.atomic():
        check_revision(work_order.plant, revision)
        if not WorkOrder.objects.filter(pk=work_order.pk, due_at=work_order.due_at).update(due_at=due_at):
            raise ProductionActionError(f"{work_order}'s promise changed meanwhile; nothing was changed.")
        _bump(work_order.plant_id)
        record_event(
            kind="promise",
            description=f"{work_order} due {due_at:%d %b %H:%M} (was {work_order.due_at:%d %b %H:%M}) by {_who(user)}",
            user=user,
            work_order=work_order,
        )


def make_rush(*, work_order, weight, user, revision=None):
    """Weigh the work order as a rush order in the plan."""
    with transaction.atomic():
        check_revision(work_order.plant, revision)
        if not WorkOrder.objects.filter(pk=work_order.pk, weight=work_order.weight).update(weight=weight):
            raise ProductionActionError(f"{work_order}'s weight changed meanwhile; nothing was changed.")
        _bump(work_order.plant_id)
        record_event(
            kind="rush", description=f"{work_order} made rush (weight {weight}) by {_who(user)}", user=user,
            work_order=work_order,
        )  # fmt: skip


def check_revision_now(plant, revision):
    """Refuse an action the page offered at an older plan revision (before a floor action)."""
    with transaction.atomic():
        check_revision(plant, revision)
