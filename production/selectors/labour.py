"""The workshop's time and its price, for whoever costs an order line (analytics): the minutes a
configuration's routing plans, what each eligible work center charges for them, and the time the
floor actually took once a line's work order is finished.

The minutes come from the same derivation as a released work order (`routing.derive_operations`
over `release.routing_steps`), so a line is costed on the operations it is made with.
"""

from dataclasses import dataclass
from decimal import Decimal

from ..models import Operation, RoutingTemplate, WorkCenter, WorkOrder
from ..routing import derive_operations
from .release import routing_steps


class NoRouting(LookupError):
    """The family has no routing: the workshop does not know how to make it."""


@dataclass(frozen=True)
class PlannedStep:
    """One operation as the routing plans it for a configuration and run length."""

    code: str
    minutes: int  # setup included
    work_center: str | None  # the code of the cheapest eligible work center; None when the step has none
    rate_per_hour: Decimal | None


@dataclass(frozen=True)
class WorkedStep:
    """One finished operation of a line's work order: where it ran, for how long."""

    code: str
    minutes: int
    work_center: str
    rate_per_hour: Decimal


def planned_steps(*, family_slug, values, quantity):
    """The routing's operations for this configuration and quantity, each priced at the cheapest
    of its eligible work centers' rates now. Raises NoRouting when the family has no routing."""
    template = RoutingTemplate.objects.filter(family_slug=family_slug).first()
    if template is None:
        raise NoRouting(family_slug)
    specs = derive_operations(routing_steps(template), values, quantity)
    ids = {wc_id for spec in specs for wc_id in spec.work_center_ids}
    centers = {wc.pk: wc for wc in WorkCenter.objects.filter(pk__in=ids)}
    steps = []
    for spec in specs:
        eligible = [centers[wc_id] for wc_id in spec.work_center_ids if wc_id in centers]
        cheapest = min(eligible, key=lambda wc: (wc.rate_per_hour, wc.code), default=None)
        steps.append(
            PlannedStep(
                code=spec.code,
                minutes=spec.minutes + spec.setup,
                work_center=cheapest.code if cheapest else None,
                rate_per_hour=cheapest.rate_per_hour if cheapest else None,
            )
        )
    return steps


def finished_lines(line_ids):
    """Of these order lines, the ones whose work order (the order's own, not a remake) has every
    operation finished: {line id: [WorkedStep]}, each at its work center's rate now. Lines with no
    work order or with work still to do are left out."""
    work_orders = WorkOrder.objects.filter(line_id__in=list(line_ids), kind=WorkOrder.ORDER)
    unfinished = set(
        Operation.objects.filter(work_order__in=work_orders)
        .exclude(status=Operation.FINISHED)
        .values_list("work_order__line_id", flat=True)
    )
    worked = {}
    operations = (
        Operation.objects.filter(work_order__in=work_orders)
        .exclude(work_order__line_id__in=unfinished)
        .select_related("work_center", "work_order")
        .order_by("work_order__line_id", "sequence")
    )
    for operation in operations:
        if operation.actual_start is None or operation.actual_end is None or operation.work_center is None:
            continue  # finished outside the floor's actions (an import, the admin): no time to read
        # Pauses on the shop-floor terminal (breaks, a wait for material) are not worked time.
        elapsed = (operation.actual_end - operation.actual_start).total_seconds()
        seconds = max(0, elapsed - operation.paused_seconds)
        worked.setdefault(operation.work_order.line_id, []).append(
            WorkedStep(
                code=operation.code,
                minutes=round(seconds / 60),
                work_center=operation.work_center.code,
                rate_per_hour=operation.work_center.rate_per_hour,
            )
        )
    return worked
