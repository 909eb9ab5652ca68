"""Whether an order's production has started, and at which step: what a cancellation is refused for."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import F

from ..models import Operation, WorkOrder

UNDER_WAY = (Operation.STARTED, Operation.FINISHED)


@dataclass(frozen=True)
class StartedStep:
    """The first step of an order's work that started: what the customer is told."""

    name: str
    started_at: datetime | None
    work_order: str


def first_started_step(*, order_id):
    """The first operation of the order's own work orders (not remakes) that started, or None."""
    operation = (
        Operation.objects.filter(work_order__order_id=order_id, work_order__kind=WorkOrder.ORDER, status__in=UNDER_WAY)
        .select_related("work_order")
        .order_by(F("actual_start").asc(nulls_last=True), "pk")
        .first()
    )
    if operation is None:
        return None
    return StartedStep(operation.name, operation.actual_start, operation.work_order.number)
