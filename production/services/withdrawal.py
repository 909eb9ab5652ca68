"""An order cancelled before production started: its work orders withdrawn from the plan.

Decided the way the board decides its actions: a conditional UPDATE. Every operation of the
order's work orders that has not started (planned or blocked) is withdrawn in one statement,
which takes their row locks; the start button's own UPDATE (`floor._change_if_still`) only
changes an operation still planned. So a cancellation and a start racing on one operation have
one winner: either the start finds the operation withdrawn and is refused, or the withdrawal
waits for the start to commit, leaves the started operation alone, sees it and refuses.

Locks are taken in the board's order (operations, then the plant's revision; the caller locks
the order row after), so a cancellation and a start cannot deadlock each other.
"""

from django.db.models import F

from ..models import Operation, Plant, WorkOrder
from ..selectors.started import StartedStep, first_started_step
from .audit import record_event

__all__ = ["ProductionStarted", "StartedStep", "first_started_step", "withdraw_order_work"]

NOT_STARTED = (Operation.PLANNED, Operation.BLOCKED)


class ProductionStarted(Exception):
    """An operation of the order's work has started: the order can no longer be withdrawn."""

    def __init__(self, step):
        self.step = step
        super().__init__(f"Production started at {step.name} ({step.work_order}).")


def withdraw_order_work(*, order_id, why, user=None, line_id=None):
    """Withdraw the work orders of an order whose production has not started. Call it inside the
    caller's transaction: raising rolls back everything the caller did too.

    Every planned or blocked operation becomes withdrawn and leaves the plan (its planned times
    cleared: it holds no capacity), the plant's plan revision is bumped (a re-plan computed
    meanwhile is computed again) and each work order's withdrawal is recorded. Raises
    ProductionStarted, naming the first step that started, if any operation has started or
    finished, whether before this call or racing it. Returns the work orders withdrawn; calling it
    again withdraws nothing more. `line_id`: only that line's work is withdrawn (a change of its
    design); a start anywhere in the order still refuses it, as production has begun on the order.
    """
    mine = Operation.objects.filter(work_order__order_id=order_id, work_order__kind=WorkOrder.ORDER)
    if line_id is not None:
        mine = mine.filter(work_order__line_id=line_id)
    withdrawn_ids = list(mine.filter(status__in=NOT_STARTED).values_list("pk", flat=True))
    # One statement decides: each row still not started is withdrawn, under its lock.
    Operation.objects.filter(pk__in=withdrawn_ids, status__in=NOT_STARTED).update(
        status=Operation.WITHDRAWN, planned_start=None, planned_end=None
    )
    # A new statement: it sees a start that committed while the update waited for its row.
    step = first_started_step(order_id=order_id)
    if step is not None:
        raise ProductionStarted(step)
    work_orders = list(
        WorkOrder.objects.filter(operations__pk__in=withdrawn_ids, operations__status=Operation.WITHDRAWN)
        .distinct()
        .order_by("pk")
    )
    for plant_id in sorted({work_order.plant_id for work_order in work_orders}):
        Plant.objects.filter(pk=plant_id).update(plan_revision=F("plan_revision") + 1)
    for work_order in work_orders:
        record_event(
            kind="withdrawn",
            description=f"{work_order.number} withdrawn: {why}",
            user=user,
            work_order=work_order,
            customer_label=f"{work_order.customer_title}: withdrawn from the workshop",
        )
    return work_orders
