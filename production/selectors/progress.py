"""Where a customer's order stands in the workshop: the production side of the account hub's
order timeline (`portal/hub/timeline.py` turns it into the steps a shopper sees)."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Max
from django.utils import timezone

from ..models import Operation, ProductionEvent, PromisedDate

WAITING, SCHEDULED, IN_PRODUCTION, FINISHED = "waiting", "scheduled", "in_production", "finished"


@dataclass(frozen=True)
class OrderProgress:
    """Where a customer's order stands in the workshop. Labels name no staff."""

    stage: str
    promised_ship_date: date | None
    planned_ship_date: date | None
    events: list = field(default_factory=list)  # [(timestamp, label)], oldest first


def order_progress(*, order_id) -> OrderProgress:
    """The production side of an order's timeline (the caller has checked the order is the shopper's)."""
    operations = Operation.objects.filter(work_order__order_id=order_id)
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
    promised = PromisedDate.objects.filter(order_id=order_id).values_list("ship_date", flat=True).first()
    ends = operations.aggregate(planned=Max("planned_end"), actual=Max("actual_end"))
    last = ends["actual"] if stage == FINISHED else ends["planned"]
    planned = timezone.localtime(last).date() if last else None
    events = [
        (event.at, event.customer_label)
        for event in ProductionEvent.objects.filter(order_id=order_id).exclude(customer_label="")
    ]
    return OrderProgress(stage=stage, promised_ship_date=promised, planned_ship_date=planned, events=events)
