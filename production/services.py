"""Writes of the production app: release paid orders, plan, and the planner's board actions.

Every change is recorded as a ProductionEvent (who, when, what); events with a customer label
also appear on the shopper's order timeline.
"""

import logging
import time
from datetime import datetime, timedelta
from datetime import time as clock_time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from oscar.core.loading import get_model

from atelier.orders import CONFIGURATION_OPTION, OrderStatus
from configurator.promise import add_working_days

from . import planning, routing, scheduling, selectors
from .models import (
    Alternative,
    Operation,
    PlanRun,
    Plant,
    ProductionEvent,
    PromisedDate,
    RoutingTemplate,
    WorkCenter,
    WorkOrder,
)
from .selectors import configuration_of as _configuration

logger = logging.getLogger(__name__)

SHIP_HOUR = clock_time(16, 0)  # a ship date is kept if the work is done by the afternoon collection
DEFAULT_LEAD_DAYS = 10


class ProductionActionError(ValidationError):
    """A board action that cannot be done as asked; the message says why."""


def record_event(*, kind, description, user=None, work_order=None, operation=None, customer_label="", order_id=None):
    if order_id is None and work_order is not None:
        order_id = work_order.order_id
    return ProductionEvent.objects.create(
        kind=kind,
        description=description,
        user=user,
        work_order=work_order,
        operation=operation,
        customer_label=customer_label,
        order_id=order_id,
    )


# --- Releasing paid orders -----------------------------------------------------------------


def due_moment(ship_date):
    return datetime.combine(ship_date, SHIP_HOUR, planning.plant_zone())


def promise_for_order(order):
    """The ship date to promise for an order: the latest of its configured lines' estimates."""
    return selectors.ship_date_for_lines(order.lines.all())


def promise_order(*, order_id):
    """Store the promised ship date of an order once; later calls return the stored one."""
    existing = PromisedDate.objects.filter(order_id=order_id).first()
    if existing is not None:
        return existing
    order = get_model("order", "Order").objects.prefetch_related("lines__attributes__option").get(pk=order_id)
    ship_date = promise_for_order(order)
    if ship_date is None:
        return None
    promised, _ = PromisedDate.objects.get_or_create(order_id=order_id, defaults={"ship_date": ship_date})
    return promised


def release_order_to_production(*, order_id, customer_weight=1):
    """Create the work orders of a paid order, one per configured line that has a routing.

    Idempotent: a line that already has a work order is skipped (one per line, enforced by a
    unique constraint), so a replayed `order_paid` creates nothing. Each line in its own
    transaction: one that fails is noted on the order once and the others are released.
    Returns the work orders created.
    """
    Order = get_model("order", "Order")
    order = Order.objects.prefetch_related("lines__attributes__option").get(pk=order_id)
    promised = promise_order(order_id=order_id)
    created = []
    templates = {t.family_slug: t for t in RoutingTemplate.objects.select_related("plant")}
    for line in order.lines.all():
        if WorkOrder.objects.filter(line=line).exists():
            continue
        parsed = _configuration(line)
        if parsed is None:
            continue  # stocked goods ship from the shelf
        family_slug, _version, values = parsed
        template = templates.get(family_slug)
        if template is None:
            logger.warning("No routing for family %s (order %s); nothing to plan", family_slug, order.number)
            continue
        try:
            with transaction.atomic():
                work_order = _create_work_order(
                    order=order, line=line, template=template, values=values, promised=promised, weight=customer_weight
                )
        except IntegrityError:
            continue  # another worker released this line a moment ago
        except Exception as error:  # noqa: BLE001 -- one line's failure must not stop the order's other lines
            _note_release_failure(order, line, error)
            continue
        created.append(work_order)
    return created


def _note_release_failure(order, line, error):
    """A line that cannot become a work order (its routing data is broken): logged every time,
    noted on the order once, so a planner sees it; the reconciler tries again after a fix."""
    logger.error("Order %s line %s not released to production: %r", order.number, line.pk, error, exc_info=error)
    OrderNote = get_model("order", "OrderNote")
    OrderNote.objects.get_or_create(
        order=order,
        note_type=OrderNote.WARNING,
        message=f"{line.title} (line {line.pk}) could not be released to production: {type(error).__name__}: {error}"[
            :2000
        ],
    )


def orders_missing_work_orders(*, days=30):
    """Paid orders (last `days` days) with a configured line that has no work order yet, and a
    routing for its family: the release was lost (a worker killed mid-task) and is due again.

    By the status now, deliberately: work is due only while the order is paid or in production;
    one refunded, cancelled or already shipped since must not be made (unlike its confirmation
    email, which is due whatever happened next)."""
    Line = get_model("order", "Line")
    families = set(RoutingTemplate.objects.values_list("family_slug", flat=True))
    lines = Line.objects.filter(
        order__status__in=[OrderStatus.PAID, OrderStatus.IN_PRODUCTION],
        order__date_placed__gte=timezone.now() - timedelta(days=days),
        attributes__option__code=CONFIGURATION_OPTION,
        work_order__isnull=True,
    ).prefetch_related("attributes__option")
    missing = set()
    for line in lines:
        parsed = _configuration(line)
        if parsed is not None and parsed[0] in families:
            missing.add(line.order_id)
    return sorted(missing)


def _create_work_order(*, order, line, template, values, promised, weight):
    rush = routing.is_rush(values, template.rush_option)
    ship_date = promised.ship_date if promised else add_working_days(timezone.localdate(), DEFAULT_LEAD_DAYS)
    work_order = WorkOrder.objects.create(
        order=order,
        line=line,
        plant=template.plant,
        family_slug=template.family_slug,
        title=line.title,
        quantity=line.quantity,
        configuration=values,
        specification=[[key, str(value)] for key, value in sorted(values.items())],
        weight=customer_weight_or_one(weight) * (template.rush_weight if rush else 1),
        released_at=timezone.now(),
        due_at=due_moment(ship_date),
    )
    specs = routing.derive_operations(selectors.routing_steps(template), values, line.quantity)
    by_code = {}
    for spec in specs:
        operation = Operation.objects.create(
            work_order=work_order, sequence=spec.sequence, code=spec.code, name=spec.name
        )
        Alternative.objects.bulk_create(
            Alternative(operation=operation, work_center_id=wc_id, minutes=spec.minutes, setup=spec.setup)
            for wc_id in spec.work_center_ids
        )
        by_code[spec.code] = operation
    for spec in specs:
        before = [by_code[code] for code in spec.after if code in by_code]
        if before:
            by_code[spec.code].after.add(*before)
    record_event(
        kind="released",
        description=f"{work_order.number} released for order {order.number}, line {line.pk} ({line.title})",
        work_order=work_order,
        customer_label=f"{line.title}: queued for production",
    )
    return work_order


def customer_weight_or_one(weight):
    try:
        return max(1, int(weight))
    except (TypeError, ValueError):
        return 1


# --- Planning ------------------------------------------------------------------------------


def default_plant():
    return Plant.objects.order_by("pk").first()


def replan(*, plant=None, trigger="re-plan", user=None, now=None):
    """Plan the plant's open work and write the plan back in one transaction.

    Starts from the plan on the floor (the engine's incremental re-plan, charging each moved
    operation). A failed plan (PlanningError: cyclic precedence, no eligible work center, no
    capacity in the horizon) changes no operation and is recorded with its message, so the
    board keeps showing the previous plan and says why. If another write changed the plan while
    this one was being computed, the computation is repeated on the new state (at most 3 times).
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
                result = scheduling.replan(previous, snap.problem, time_limit=limit)
                schedule, moved = result.schedule, len(result.moved_operations)
            else:
                schedule, moved = scheduling.solve(snap.problem, time_limit=limit), 0
        except scheduling.PlanningError as error:
            return _record_failure(plant, trigger, user, error, began)
        with transaction.atomic():
            locked = Plant.objects.select_for_update().get(pk=plant.pk)
            if locked.plan_revision != snap.revision:
                plant = locked
                continue
            return _write_plan(locked, snap, schedule, trigger=trigger, user=user, moved=moved, began=began)
    return _record_failure(plant, trigger, user, RuntimeError("the plan kept changing while it was computed"), began)


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
            customer_label=f"{work_order.title}: scheduled in the workshop",
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


def _who(user):
    return user.get_full_name() or user.get_username()


def _bump(plant_id):
    Plant.objects.filter(pk=plant_id).update(plan_revision=F("plan_revision") + 1)


def _change_if_still(operation, expected, **changes):
    """Apply `changes` only if the operation's status is still `expected` in the database, in one UPDATE.

    The board's checks read the operation when the request arrives; a double click or a second
    planner on an older page gets there between the check and the write. The conditional UPDATE
    lets exactly one of them through (PostgreSQL re-reads the row after the first one's lock),
    and the other is refused before it records anything.
    """
    if not Operation.objects.filter(pk=operation.pk, status=expected).update(**changes):
        now = Operation.objects.filter(pk=operation.pk).values_list("status", flat=True).first()
        raise ProductionActionError(f"{operation} is {now} now; nothing was recorded. Reload the board.")


# --- The board's actions -------------------------------------------------------------------


def freeze_work_order(*, work_order, user, frozen=True):
    """Pin (or release) a work order where the plan put it: re-plans will not move it.

    Freezing what is already frozen (a double click) changes and records nothing.
    """
    with transaction.atomic():
        if not WorkOrder.objects.filter(pk=work_order.pk, frozen=not frozen).update(frozen=frozen):
            return
        _bump(work_order.plant_id)
        record_event(
            kind="frozen" if frozen else "unfrozen",
            description=f"{work_order.number} {'frozen' if frozen else 'unfrozen'} by {_who(user)}",
            user=user,
            work_order=work_order,
        )


def move_operation(*, operation, work_center, user):
    """Put an operation on another of its eligible work centers; re-plans keep it there."""
    if operation.status != Operation.PLANNED:
        raise ProductionActionError(f"{operation} is {operation.status}; only planned operations move.")
    if not operation.alternatives.filter(work_center=work_center).exists():
        raise ProductionActionError(f"{work_center} is not an eligible work center for {operation}.")
    with transaction.atomic():
        before = operation.work_center
        _change_if_still(operation, Operation.PLANNED, work_center=work_center, pinned=True)
        _bump(operation.work_order.plant_id)
        record_event(
            kind="moved",
            description=f"{operation} moved from {before or 'nowhere'} to {work_center} by {_who(user)}",
            user=user,
            work_order=operation.work_order,
            operation=operation,
        )


def _set_order_status(order_id, status):
    Order = get_model("order", "Order")
    order = Order.objects.get(pk=order_id)
    if order.status != status and status in order.available_statuses():
        order.set_status(status)


def start_operation(*, operation, user, now=None):
    """The floor started an operation: it is frozen at its actual start; the order is "In production"."""
    now = now or timezone.now()
    if operation.status != Operation.PLANNED:
        raise ProductionActionError(f"{operation} is {operation.status}; only a planned operation starts.")
    if not operation.work_center_id:
        raise ProductionActionError(f"{operation} has no work center yet; plan it first.")
    waiting = operation.after.exclude(status=Operation.FINISHED)
    if waiting.exists():
        names = ", ".join(op.name for op in waiting)
        raise ProductionActionError(f"{operation} cannot start before {names} is finished.")
    with transaction.atomic():
        _change_if_still(operation, Operation.PLANNED, status=Operation.STARTED, actual_start=now)
        _bump(operation.work_order.plant_id)
        order_id = operation.work_order.order_id
        first = not ProductionEvent.objects.filter(order_id=order_id, kind="started").exists()
        title = operation.work_order.title
        record_event(
            kind="started",
            description=f"{operation} started on {operation.work_center} by {_who(user)}",
            user=user,
            work_order=operation.work_order,
            operation=operation,
            customer_label=f"{title}: production started" if first else f"{title}: {operation.name.lower()} started",
        )
        _set_order_status(operation.work_order.order_id, OrderStatus.IN_PRODUCTION)


def finish_operation(*, operation, user, now=None):
    now = now or timezone.now()
    if operation.status != Operation.STARTED:
        raise ProductionActionError(f"{operation} is {operation.status}; only a started operation finishes.")
    with transaction.atomic():
        _change_if_still(operation, Operation.STARTED, status=Operation.FINISHED, actual_end=now)
        _bump(operation.work_order.plant_id)
        done = not operation.work_order.operations.exclude(status=Operation.FINISHED).exclude(pk=operation.pk).exists()
        record_event(
            kind="finished",
            description=f"{operation} finished by {_who(user)}",
            user=user,
            work_order=operation.work_order,
            operation=operation,
            customer_label=f"{operation.work_order.title}: made, ready to ship" if done else "",
        )


def block_operation(*, operation, user, unblock=False):
    """A planned operation cannot go ahead (material missing, machine fault); or can again."""
    if unblock:
        if operation.status != Operation.BLOCKED:
            raise ProductionActionError(f"{operation} is not blocked.")
        old_status, new_status, kind = Operation.BLOCKED, Operation.PLANNED, "unblocked"
    else:
        if operation.status != Operation.PLANNED:
            raise ProductionActionError(f"{operation} is {operation.status}; only a planned operation is blocked.")
        old_status, new_status, kind = Operation.PLANNED, Operation.BLOCKED, "blocked"
    with transaction.atomic():
        _change_if_still(operation, old_status, status=new_status)
        _bump(operation.work_order.plant_id)
        record_event(
            kind=kind,
            description=f"{operation} {kind} by {_who(user)}",
            user=user,
            work_order=operation.work_order,
            operation=operation,
        )


def add_downtime(*, work_center: WorkCenter, start, end, reason, user):
    if end <= start:
        raise ProductionActionError("Downtime ends after it starts.")
    with transaction.atomic():
        down, created = work_center.downtimes.get_or_create(start=start, end=end, defaults={"reason": reason})
        if not created:  # the same span again (a double click): nothing new to plan around
            return down
        _bump(work_center.plant_id)
        record_event(
            kind="downtime", description=f"{work_center} down {start:%d %b %H:%M}–{end:%H:%M}: {reason}", user=user
        )
    return down
