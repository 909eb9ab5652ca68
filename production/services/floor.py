"""The board's actions on the floor: start, finish, block and move operations, freeze work
orders, record downtime. Each is recorded with who did it, and bumps the plant's plan revision
so a re-plan computed meanwhile is computed again.

An action is checked when the request arrives and applied only if the operation still has the
status it was checked against (`_change_if_still`): a double click, or a second planner on an
older page, is refused with a `ProductionActionError` that says what happened.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from oscar.core.loading import get_model

from atelier.orders import OrderStatus

from ..models import Operation, Plant, ProductionEvent, WorkCenter, WorkOrder
from .audit import record_event


class ProductionActionError(ValidationError):
    """A board action that cannot be done as asked; the message says why."""


def _who(user):
    return user.get_full_name() or user.get_username()


def _bump(plant_id):
    Plant.objects.filter(pk=plant_id).update(plan_revision=F("plan_revision") + 1)


def _change_if_still(operation, expected, *, where=None, **changes):
    """Apply `changes` only if the operation's status is still `expected` in the database, in one UPDATE.

    The board's checks read the operation when the request arrives; a double click or a second
    planner on an older page gets there between the check and the write. The conditional UPDATE
    lets exactly one of them through (PostgreSQL re-reads the row after the first one's lock),
    and the other is refused before it records anything. `where` adds fields that must still
    hold what was read (a pause's start, the paused seconds), for changes computed from them.
    """
    if not Operation.objects.filter(pk=operation.pk, status=expected, **(where or {})).update(**changes):
        now = Operation.objects.filter(pk=operation.pk).values_list("status", flat=True).first()
        raise ProductionActionError(f"{operation} is {now} now; nothing was recorded. Reload the board.")


def _act_on(operation, expected, *, user, kind, description, customer_label="", where=None, **changes):
    """An action on an operation, inside the caller's transaction: applied if the operation is
    still `expected` (else refused, nothing recorded), the plan's revision bumped, the action recorded."""
    _change_if_still(operation, expected, where=where, **changes)
    _bump(operation.work_order.plant_id)
    record_event(
        kind=kind,
        description=description,
        user=user,
        work_order=operation.work_order,
        operation=operation,
        customer_label=customer_label,
    )


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
        _act_on(
            operation,
            Operation.PLANNED,
            user=user,
            kind="moved",
            description=f"{operation} moved from {operation.work_center or 'nowhere'} to {work_center} by {_who(user)}",
            work_center=work_center,
            pinned=True,
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
    work_order = operation.work_order
    order_id, title = work_order.order_id, work_order.customer_title
    # A remake's start is news of its own; the order's status stays where delivery left it.
    started = ProductionEvent.objects.filter(kind="started")
    started = started.filter(work_order=work_order) if work_order.is_remake else started.filter(order_id=order_id)
    with transaction.atomic():
        first = not started.exists()
        _act_on(
            operation,
            Operation.PLANNED,
            user=user,
            kind="started",
            description=f"{operation} started on {operation.work_center} by {_who(user)}",
            customer_label=f"{title}: production started" if first else f"{title}: {operation.name.lower()} started",
            status=Operation.STARTED,
            actual_start=now,
        )
        if not work_order.is_remake:
            _set_order_status(order_id, OrderStatus.IN_PRODUCTION)


def paused_until(operation, now):
    """The changes that end the operation's pause at `now` (none when it is not paused), and the
    fields the conditional update must still find as read: the pause's seconds join the others."""
    where = {"paused_at": operation.paused_at, "paused_seconds": operation.paused_seconds}
    if operation.paused_at is None:
        return {}, where
    seconds = max(0, round((now - operation.paused_at).total_seconds()))
    return {"paused_at": None, "paused_seconds": operation.paused_seconds + seconds}, where


def check_quantities(operation, good, scrap, reason):
    """The floor's count at finish: good pieces at most the work order's quantity, scrap not
    negative, and a reason for any scrap."""
    ordered = operation.work_order.quantity
    if good < 0 or good > ordered:
        raise ProductionActionError(f"Good pieces are between 0 and {ordered} (the work order's quantity).")
    if scrap < 0:
        raise ProductionActionError("Scrap cannot be negative.")
    if scrap and not reason.strip():
        raise ProductionActionError("Say why the scrapped pieces were scrapped.")
    if good == 0 and scrap == 0:
        raise ProductionActionError("Give the good pieces made, or the pieces scrapped.")


def finish_operation(*, operation, user, now=None, good=None, scrap=0, reason=""):
    """The floor finished an operation: its actual end (a pause still open ends there too). The
    terminal also reports the good pieces and the scrap with its reason (`check_quantities`)."""
    now = now or timezone.now()
    if operation.status != Operation.STARTED:
        raise ProductionActionError(f"{operation} is {operation.status}; only a started operation finishes.")
    counted = {}
    if good is not None:
        check_quantities(operation, good, scrap, reason)
        counted = {"good_quantity": good, "scrap_quantity": scrap, "scrap_reason": reason.strip()[:200]}
    unpaused, where = paused_until(operation, now)
    counts = f" ({good} good, {scrap} scrapped: {reason.strip()})" if scrap else (f" ({good} good)" if counted else "")
    with transaction.atomic():
        # The last one to finish: every other operation of the work order is finished.
        done = not operation.work_order.operations.exclude(status=Operation.FINISHED).exclude(pk=operation.pk).exists()
        _act_on(
            operation,
            Operation.STARTED,
            user=user,
            kind="finished",
            description=f"{operation} finished by {_who(user)}{counts}",
            customer_label=f"{operation.work_order.customer_title}: made, ready to ship" if done else "",
            where=where,
            status=Operation.FINISHED,
            actual_end=now,
            **unpaused,
            **counted,
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
        _act_on(
            operation,
            old_status,
            user=user,
            kind=kind,
            description=f"{operation} {kind} by {_who(user)}",
            status=new_status,
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
