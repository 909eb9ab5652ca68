"""What the shop-floor terminal reads: a work center's queue, and which operation a scanned or
typed traveler code opens there.

A traveler's QR code holds "ATELIER WO-00012" (production/travelers.py); a worker may also type
"WO-00012", "wo12" or "12". At a work center the code opens the work order's operation there
that is running, else the next one still to do; any other case is said in words, nothing opened.
"""

import re
from dataclasses import dataclass

from django.utils import timezone

from ..models import Operation, WorkCenter, WorkOrder

_CODE = re.compile(r"^(?:ATELIER\s+)?(?:WO-?\s*)?0*(\d{1,9})$", re.IGNORECASE)
TO_DO = (Operation.PLANNED, Operation.BLOCKED)


@dataclass(frozen=True)
class Scan:
    operation: Operation | None
    message: str


@dataclass(frozen=True)
class Queue:
    running: list
    next: list


def work_order_pk(code):
    """The work order's key in a traveler code, or None when the code is not one."""
    match = _CODE.match((code or "").strip())
    return int(match.group(1)) if match else None


def centers():
    return WorkCenter.objects.select_related("plant").order_by("plant__name", "name")


def queue(center, *, limit=12):
    """What runs at the center now, and what comes next there in planned order."""
    operations = Operation.objects.filter(work_center=center).select_related("work_order")
    running = list(operations.filter(status=Operation.STARTED).order_by("actual_start", "pk"))
    coming = operations.filter(status__in=TO_DO).order_by("planned_start", "work_order__due_at", "pk")[:limit]
    return Queue(running=running, next=list(coming))


def _when(moment):
    return f"{timezone.localtime(moment):%d %b %H:%M}" if moment else "earlier"


def scan(center, code):
    """The operation a traveler code opens at `center`, or None and why not."""
    pk = work_order_pk(code)
    shown = (code or "").strip()[:40]
    if pk is None:
        return Scan(None, f"“{shown}” is not a traveler code. Scan the QR code or type the number, such as WO-00012.")
    work_order = WorkOrder.objects.filter(pk=pk).first()
    if work_order is None:
        return Scan(None, f"There is no work order {shown}. Check the number on the traveler; nothing was opened.")
    operations = list(work_order.operations.select_related("work_center").order_by("sequence"))
    here = [op for op in operations if op.work_center_id == center.pk]
    for wanted in ((Operation.STARTED,), TO_DO):
        found = [op for op in here if op.status in wanted]
        if found:
            return Scan(found[0], "")
    if operations and all(op.status == Operation.WITHDRAWN for op in operations):
        return Scan(None, f"{work_order.number} was cancelled: it has no work left. Set the traveler aside.")
    finished = [op for op in here if op.status == Operation.FINISHED]
    if finished:
        last = finished[-1]
        return Scan(
            None,
            f"{work_order.number}: {last.name} at {center.name} is already finished ({_when(last.actual_end)}). "
            "Nothing was changed.",
        )
    elsewhere = [op for op in operations if op.status in (Operation.STARTED, *TO_DO) and op.work_center_id]
    if elsewhere:
        step = elsewhere[0]
        return Scan(
            None,
            f"{work_order.number} has no step at {center.name}: its next step, {step.name}, is at "
            f"{step.work_center.name}.",
        )
    return Scan(None, f"{work_order.number} has no work left at {center.name}. Nothing was changed.")
