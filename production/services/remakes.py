"""A remake or a repair of an order line, asked for by whoever handles the complaint (customer
care), at no charge: a new work order from the line's routing, with a raised weight and its own
promised date. Production does not know why: the caller passes its words (`origin`) and its key.
"""

from django.db import IntegrityError, transaction

from .. import routing, tasks
from ..models import RoutingTemplate, WorkOrder
from ..selectors.promises import promise_for_remake
from ..selectors.release import configuration_of, routing_steps
from .audit import record_event
from .release import create_work_order

# A remake is owed to a customer who already waited once: it weighs more than a rush order (3).
REMAKE_WEIGHT = 5
KIND_WORDS = {WorkOrder.REMAKE: "remake", WorkOrder.REPAIR: "repair"}


class RemakeRefused(Exception):
    """The line cannot be remade or repaired in the workshop; the text says why, for staff."""


def release_remake(*, line, kind, key, origin, reason="", quantity=None, weight=REMAKE_WEIGHT, user=None):
    """A remake (the whole routing) or a repair (its finishing steps) of `line`; returns
    (work order, created).

    Once per `key` (unique on the work order): a second call with the same key returns the
    first work order, a concurrent one finds it after its insert fails. Takes no payment and
    fires nothing of a paid order: no points, no invoice. The caller plans it after commit
    (`plan_after_commit`). Raises RemakeRefused for stocked goods and lines whose family has
    no routing: nothing made in the workshop can be made again there.
    """
    if kind not in KIND_WORDS:
        raise ValueError(f"kind is remake or repair, not {kind!r}")
    existing = WorkOrder.objects.filter(remake_key=key).first()
    if existing is not None:
        return existing, False
    parsed = configuration_of(line)
    if parsed is None:
        raise RemakeRefused(
            f"{line.title} is stocked goods, not made in the workshop: it cannot be remade or repaired there. "
            "Offer a replacement from stock or a refund instead."
        )
    family_slug, _version, values = parsed
    template = RoutingTemplate.objects.select_related("plant").filter(family_slug=family_slug).first()
    if template is None:
        raise RemakeRefused(f"{line.title} has no routing in the workshop: it cannot be remade or repaired there.")
    quantity = quantity or line.quantity
    if not 1 <= quantity <= line.quantity:
        raise RemakeRefused(f"Choose between 1 and {line.quantity} pieces of {line.title}.")
    steps = routing_steps(template)
    if kind == WorkOrder.REPAIR:
        steps = routing.finishing_steps(steps)
    ship_date = promise_for_remake(
        family_slug=family_slug, values=values, quantity=quantity, steps=steps if kind == WorkOrder.REPAIR else None
    )
    try:
        with transaction.atomic():
            work_order = create_work_order(
                line=line,
                template=template,
                values=values,
                quantity=quantity,
                weight=weight,
                ship_date=ship_date,
                steps=steps,
                kind=kind,
                origin=origin[:120],
                remake_key=key,
            )
            customer_title = work_order.customer_title
            record_event(
                kind=f"{kind}-released",
                description=f"{work_order.number}: {origin} ({line.title}, order line {line.pk})"
                + (f": {reason}" if reason else ""),
                work_order=work_order,
                user=user,
                customer_label=f"{customer_title}: queued for production, promised by {ship_date:%-d %B}",
            )
    except IntegrityError:
        existing = WorkOrder.objects.filter(remake_key=key).first()
        if existing is None:
            raise
        return existing, False
    return work_order, True


def plan_after_commit(*, work_order, trigger):
    """Re-plan the work order's plant once the caller's transaction commits, on the scheduling
    queue, as a paid order's release is."""
    transaction.on_commit(lambda: tasks.replan_plant.delay(work_order.plant_id, trigger))
