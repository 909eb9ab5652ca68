"""A line's work made again for a changed design, before production started.

The customer changed the configuration of a paid line (portal/after_sales): its work order's
operations, withdrawn a moment before in the same transaction (`withdrawal.withdraw_order_work`),
are replaced by the operations the new configuration derives, and the work order carries the new
configuration, specification and due time. The work order keeps its number and history; the old
operations go (their events keep their words and the work order), so a start button pressed on
an old operation finds nothing planned and is refused.
"""

from django.utils import timezone

from .. import routing
from ..models import Operation, ProductionEvent, PromisedDate, RoutingTemplate, WorkOrder
from ..selectors.delivery import slot_due_moment
from ..selectors.release import routing_steps
from ..selectors.specification import options_bought_with
from ..specification import specification_rows
from .audit import record_event
from .release import add_operations, due_moment


class WorkNotWithdrawn(Exception):
    """An operation of the line's work is not withdrawn: withdraw it first (and let that decide)."""


def rework_line(*, line, values, ship_date, why, user=None):
    """Give the line's work order the operations of its new configuration `values`, due on
    `ship_date`. Call it inside the caller's transaction, after `withdraw_order_work` for the line
    and after the line carries its new configuration. Returns the work order, or None when the
    line has none yet (its release, still to come, reads the new configuration) or its family has
    no routing. Raises WorkNotWithdrawn if any of its operations is still in the plan."""
    work_order = WorkOrder.objects.select_for_update().filter(line=line, kind=WorkOrder.ORDER).first()
    if work_order is None:
        return None
    operations = Operation.objects.filter(work_order=work_order)
    if operations.exclude(status=Operation.WITHDRAWN).exists():
        raise WorkNotWithdrawn(f"{work_order.number} still has work in the plan.")
    template = RoutingTemplate.objects.select_related("plant").filter(family_slug=work_order.family_slug).first()
    if template is None:
        return None
    ProductionEvent.objects.filter(operation__work_order=work_order).update(operation=None)
    operations.delete()
    was_rush = routing.is_rush(work_order.configuration, template.rush_option)
    base_weight = max(1, work_order.weight // (template.rush_weight if was_rush else 1))
    rush = routing.is_rush(values, template.rush_option)
    work_order.configuration = values
    work_order.specification = specification_rows(options_bought_with(line, template.family_slug), values)
    work_order.weight = base_weight * (template.rush_weight if rush else 1)
    # A large order's two-person delivery slot stays when it must be ready, as at release.
    work_order.due_at = slot_due_moment(line.order.number) or due_moment(ship_date)
    work_order.released_at = timezone.now()
    work_order.routing_revision = template.revisions.order_by("-number").first()
    work_order.save(
        update_fields=["configuration", "specification", "weight", "due_at", "released_at", "routing_revision"]
    )
    add_operations(work_order, routing_steps(template), values, work_order.quantity)
    record_event(
        kind="released",
        description=f"{work_order.number} released again for the changed design: {why}",
        user=user,
        work_order=work_order,
        customer_label=f"{work_order.customer_title}: design changed, queued for production again",
    )
    return work_order


def repromise_order(*, order_id, ship_date):
    """The order's promised ship date is now `ship_date` (a changed design was re-promised)."""
    PromisedDate.objects.update_or_create(order_id=order_id, defaults={"ship_date": ship_date})
