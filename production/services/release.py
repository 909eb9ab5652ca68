"""A paid order becomes work: one work order per configured line whose family has a routing,
its operations derived from the configuration, due on the ship date promised at payment.

Idempotent, so a replayed `order_paid` and the reconciler's retry create nothing twice; the
paid orders whose work is missing are found by `selectors.release.orders_missing_work_orders`.
"""

import logging
from datetime import datetime
from datetime import time as clock_time

from django.db import IntegrityError, transaction
from django.utils import timezone
from oscar.core.loading import get_model

from atelier.orders import CLOSED
from configurator.promise import add_working_days

from .. import planning, routing
from ..models import Alternative, Operation, PromisedDate, RoutingTemplate, WorkOrder
from ..selectors.delivery import slot_due_moment
from ..selectors.promises import DEFAULT_LEAD_DAYS, promise_for_order
from ..selectors.release import configuration_of, routing_steps
from ..selectors.specification import options_bought_with
from ..specification import specification_rows
from .audit import record_event

logger = logging.getLogger(__name__)

SHIP_HOUR = clock_time(16, 0)  # a ship date is kept if the work is done by the afternoon collection


def due_moment(ship_date):
    return datetime.combine(ship_date, SHIP_HOUR, planning.plant_zone())


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
    transaction: one that fails is noted on the order once and the others are released. An order
    cancelled or refunded by then gets nothing: each line's transaction locks the order row and
    reads its status (a cancellation, holding that lock, withdraws whatever was released before).
    Returns the work orders created.
    """
    Order = get_model("order", "Order")
    order = Order.objects.prefetch_related("lines__attributes__option").get(pk=order_id)
    promised = promise_order(order_id=order_id)
    created = []
    templates = {t.family_slug: t for t in RoutingTemplate.objects.select_related("plant")}
    for line in order.lines.all():
        if WorkOrder.objects.filter(line=line, kind=WorkOrder.ORDER).exists():
            continue
        parsed = configuration_of(line)
        if parsed is None:
            continue  # stocked goods ship from the shelf
        family_slug, _version, values = parsed
        template = templates.get(family_slug)
        if template is None:
            logger.warning("No routing for family %s (order %s); nothing to plan", family_slug, order.number)
            continue
        try:
            with transaction.atomic():
                if Order.objects.select_for_update().filter(pk=order_id).values_list("status", flat=True)[0] in CLOSED:
                    break
                line, values = _line_as_it_stands(line, values)
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


def _line_as_it_stands(line, values):
    """The line and its design read again under the order's lock, which a design change holds while
    it rewrites the line (portal/after_sales): work released just after a change is made from the
    new design, not from the one read before the lock. Unchanged values when it cannot be read."""
    line = type(line).objects.prefetch_related("attributes__option").get(pk=line.pk)
    parsed = configuration_of(line)
    return line, (parsed[2] if parsed is not None else values)


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


def _create_work_order(*, order, line, template, values, promised, weight):
    rush = routing.is_rush(values, template.rush_option)
    ship_date = promised.ship_date if promised else add_working_days(timezone.localdate(), DEFAULT_LEAD_DAYS)
    work_order = create_work_order(
        line=line,
        template=template,
        values=values,
        quantity=line.quantity,
        weight=customer_weight_or_one(weight) * (template.rush_weight if rush else 1),
        ship_date=ship_date,
        # A large order's two-person delivery slot is when it must be ready, not the promise.
        due_at=slot_due_moment(order.number),
    )
    record_event(
        kind="released",
        description=f"{work_order.number} released for order {order.number}, line {line.pk} ({line.title})",
        work_order=work_order,
        customer_label=f"{line.title}: queued for production",
    )
    return work_order


def create_work_order(*, line, template, values, quantity, weight, ship_date, steps=None, **fields):
    """A work order for `line` with its operations derived from the routing (`steps`: a subset
    of the template's, for a repair), due on `ship_date` (or at `due_at` when given: a delivery
    slot's start). The caller holds the transaction.

    The specification is stored in words, from the family version the line was bought with, so
    a later change to the family's options never rewrites its traveler; the routing's latest
    revision is recorded, so the routing it was made with stays known after later edits."""
    options = options_bought_with(line, template.family_slug)
    # The routing's revision it is made with (none kept before the first edit in the dashboard;
    # that edit gives them the routing as it stood, services/routings.py).
    fields.setdefault("routing_revision", template.revisions.order_by("-number").first())
    work_order = WorkOrder.objects.create(
        order_id=line.order_id,
        line=line,
        plant=template.plant,
        family_slug=template.family_slug,
        title=line.title,
        quantity=quantity,
        configuration=values,
        specification=specification_rows(options, values),
        weight=weight,
        released_at=timezone.now(),
        **{**fields, "due_at": fields.get("due_at") or due_moment(ship_date)},
    )
    add_operations(work_order, steps if steps is not None else routing_steps(template), values, quantity)
    return work_order


def add_operations(work_order, steps, values, quantity):
    """The operations `steps` derive for `values` and `quantity`, added to `work_order` with
    their eligible work centers and their order. The caller holds the transaction."""
    specs = routing.derive_operations(steps, values, quantity)
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


def customer_weight_or_one(weight):
    try:
        return max(1, int(weight))
    except (TypeError, ValueError):
        return 1
