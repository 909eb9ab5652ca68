"""Re-planning: the plant's open work planned by the engine and written back in one transaction.

The plan is computed outside any transaction (`planning.snapshot`, then the engine), and
written only if nobody changed the plan meanwhile (`Plant.plan_revision`, locked after the
operations it writes, in the order every other writer of the plan takes them).
"""

import logging
import time

from django.conf import settings
from django.db import transaction
from django.db.models import F

from .. import planning, scheduling
from ..models import Operation, PlanRun, Plant
from ..selectors.board import default_plant
from .audit import record_event

logger = logging.getLogger(__name__)


def replan(*, plant=None, trigger="re-plan", user=None, now=None, stability_weight=None):
    """Plan the plant's open work and write the plan back in one transaction.

    Starts from the plan on the floor (the engine's incremental re-plan, charging each moved
    operation). A failed plan (PlanningError: cyclic precedence, no eligible work center, no
    capacity in the horizon) changes no operation and is recorded with its message, so the
    board keeps showing the previous plan and says why. If another write changed the plan while
    this one was being computed, the computation is repeated on the new state (at most 3 times).
    `stability_weight` (the engine's cost of moving an operation) is lowered after a planner adds
    capacity to fix a late order: the plan should use the hours bought, not keep to the old one.
    Returns the PlanRun.
    """
    plant = plant or default_plant()
    if plant is None:
        return None
    for _attempt in range(3):
        began = time.perf_counter()
        snap = planning.snapshot(plant, now=now)
        if not snap.problem.jobs:
            return PlanRun.objects.create(plant=plant, outcome=PlanRun.OK, trigger=trigger, user=user, status="empty")
        try:
            previous = planning.previous_schedule(snap)
            limit = settings.PRODUCTION_PLAN_SECONDS
            if previous is not None:
                stability = {} if stability_weight is None else {"stability_weight": stability_weight}
                result = scheduling.replan(previous, snap.problem, time_limit=limit, **stability)
                schedule, moved = result.schedule, len(result.moved_operations)
            else:
                schedule, moved = scheduling.solve(snap.problem, time_limit=limit), 0
        except scheduling.PlanningError as error:
            return _record_failure(plant, trigger, user, error, began)
        with transaction.atomic():
            # The board's actions, the terminal and a cancellation lock an operation, then bump the
            # plant; taking the locks in that order here too (operations by id, then the plant)
            # keeps a re-plan from deadlocking with them on PostgreSQL.
            _lock_operations(snap)
            locked = Plant.objects.select_for_update().get(pk=plant.pk)
            if locked.plan_revision != snap.revision:
                plant = locked
                continue
            return _write_plan(locked, snap, schedule, trigger=trigger, user=user, moved=moved, began=began)
    return _record_failure(plant, trigger, user, RuntimeError("the plan kept changing while it was computed"), began)


def _lock_operations(snap):
    ids = sorted(op.pk for op in snap.operations.values())
    list(Operation.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))


def _record_failure(plant, trigger, user, error, began):
    message = f"Planning failed, the previous plan is kept: {error}"
    logger.warning("%s (trigger: %s)", message, trigger)
    with transaction.atomic():
        run = PlanRun.objects.create(
            plant=plant,
            outcome=PlanRun.FAILED,
            trigger=trigger,
            user=user,
            message=message,
            seconds=time.perf_counter() - began,
        )
        record_event(kind="plan-failed", description=message, user=user)
    return run


def _write_plan(plant, snap, schedule, *, trigger, user, moved, began):
    frozen = {f.operation_id for f in snap.problem.frozen}
    wc_by_code = snap.work_centers
    changed = []
    for key, assignment in schedule.assignments.items():
        if key in frozen:
            continue
        op = snap.operations[key]
        start, end = snap.clock.moment(assignment.start), snap.clock.moment(assignment.end)
        work_center = wc_by_code[assignment.machine_id]
        if (op.work_center_id, op.planned_start, op.planned_end) != (work_center.pk, start, end):
            op.work_center, op.planned_start, op.planned_end = work_center, start, end
            changed.append(op)
    Operation.objects.bulk_update(changed, ["work_center", "planned_start", "planned_end"])
    Plant.objects.filter(pk=plant.pk).update(plan_revision=F("plan_revision") + 1)
    newly_scheduled = {op.work_order for op in changed if not op.work_order.events.filter(kind="scheduled").exists()}
    for work_order in sorted(newly_scheduled, key=lambda w: w.pk):
        record_event(
            kind="scheduled",
            description=f"{work_order.number} scheduled",
            work_order=work_order,
            customer_label=f"{work_order.customer_title}: scheduled in the workshop",
        )
    run = PlanRun.objects.create(
        plant=plant,
        outcome=PlanRun.OK,
        trigger=trigger,
        user=user,
        status=schedule.status,
        weighted_tardiness=schedule.weighted_tardiness,
        operations=len(schedule.assignments),
        moved_operations=moved,
        seconds=time.perf_counter() - began,
        message=f"{len(changed)} operations changed",
    )
    if user is not None:
        record_event(kind="replanned", description=f"Re-planned ({trigger}): {run.message}", user=user)
    return run
