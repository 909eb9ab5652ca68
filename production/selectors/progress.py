"""Where a customer's order stands in the workshop: the production side of the account hub's
order timeline (`portal/hub/timeline.py` turns it into the steps a shopper sees)."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Max
from django.utils import timezone

from ..models import Operation, ProductionEvent, PromisedDate, WorkOrder

WAITING, SCHEDULED, IN_PRODUCTION, FINISHED = "waiting", "scheduled", "in_production", "finished"


@dataclass(frozen=True)
class RemakeProgress:
    """A remake or repair of one of the order's lines, as the shopper follows it."""

    kind: str  # "remake" or "repair"
    title: str  # the line's
    stage: str
    promised_ship_date: date
    planned_ship_date: date | None


@dataclass(frozen=True)
class OrderProgress:
    """Where a customer's order stands in the workshop. Labels name no staff."""

    stage: str
    promised_ship_date: date | None
    planned_ship_date: date | None
    events: list = field(default_factory=list)  # [(timestamp, label)], oldest first
    remakes: list = field(default_factory=list)  # [RemakeProgress], oldest first


def order_progress(*, order_id) -> OrderProgress:
    """The production side of an order's timeline (the caller has checked the order is the shopper's).

    The stage and planned date are the order's own work; a remake or repair started later is
    followed on its own (`remakes`), so it does not move a delivered order back into production.
    """
    operations = Operation.objects.filter(work_order__order_id=order_id, work_order__kind=WorkOrder.ORDER)
    stage, planned = _stage(operations)
    promised = PromisedDate.objects.filter(order_id=order_id).values_list("ship_date", flat=True).first()
    events = [
        (event.at, event.customer_label)
        for event in ProductionEvent.objects.filter(order_id=order_id).exclude(customer_label="")
    ]
    remakes = [
        _remake_progress(work_order)
        for work_order in WorkOrder.objects.filter(order_id=order_id).exclude(kind=WorkOrder.ORDER).order_by("pk")
    ]
    return OrderProgress(
        stage=stage, promised_ship_date=promised, planned_ship_date=planned, events=events, remakes=remakes
    )


def _remake_progress(work_order):
    stage, planned = _stage(work_order.operations.all())
    promised = timezone.localtime(work_order.due_at).date()
    return RemakeProgress(work_order.kind, work_order.title, stage, promised, planned)


def _stage(operations):
    """(stage, planned or actual ship day) of a set of operations."""
    statuses = set(operations.values_list("status", flat=True))
    if not statuses:
        stage = WAITING
    elif statuses == {Operation.FINISHED}:
        stage = FINISHED
    elif statuses & {Operation.STARTED, Operation.FINISHED}:
        stage = IN_PRODUCTION
    elif operations.filter(planned_end__isnull=False).exists():
        stage = SCHEDULED
    else:
        stage = WAITING
    ends = operations.aggregate(planned=Max("planned_end"), actual=Max("actual_end"))
    last = ends["actual"] if stage == FINISHED else ends["planned"]
    return stage, (timezone.localtime(last).date() if last else None)
