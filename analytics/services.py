"""Writes of the analytics app: a paid order's line costs frozen, and the actual labour recorded
once the workshop has finished a line."""

import logging
from datetime import timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from oscar.core.loading import get_model

from production.selectors.labour import finished_lines

from .costing import PLACES, SIXTY, cost_of_line
from .models import LineCost

logger = logging.getLogger(__name__)


def freeze_order_costs(*, order_id):
    """Keep the unit cost of each line of a paid order that has none yet. Returns the rows written.

    Frozen and idempotent: a line that has its cost is never costed again (one row per line, by
    a unique constraint), so a replayed `order_paid`, the reconciler's retry and a later change
    of an option's cost or a work center's rate leave it as it was bought. A line whose cost
    cannot be known gets a row with the figure missing and the reason (`problem`); a line whose
    costing fails unexpectedly is logged and skipped, the others go on, and the reconciler tries
    it again. Each line in its own transaction.
    """
    Order = get_model("order", "Order")
    order = (
        Order.objects.filter(pk=order_id)
        .prefetch_related("lines__attributes__option")
        .only("pk", "number", "currency")
        .first()
    )
    if order is None:
        return []
    costed_already = set(LineCost.objects.filter(order_id=order_id).values_list("line_id", flat=True))
    written = []
    for line in order.lines.all():
        if line.pk in costed_already:
            continue
        try:
            costed = cost_of_line(line, currency=order.currency)
            with transaction.atomic():
                written.append(_keep(order, line, costed))
        except IntegrityError:
            continue  # another worker costed this line a moment ago
        except Exception:  # one line's failure must not stop the order's other lines
            logger.exception(
                "Order %s line %s: its cost was not frozen; the reconciler tries again", order.number, line.pk
            )
    return written


def recost_incomplete_lines(*, order_numbers=None):
    """Cost again the lines kept incomplete (a figure missing, `problem` set), once the data is
    mended: a stocked product's unit cost entered, a family's routing added. Complete costs are
    never touched. What is known now is what is used: today's rates, and materials from the version
    the line names. A line still incomplete keeps its reason. Returns (re-costed, still incomplete).

    A staff action (`manage.py recost_incomplete_lines`), never automatic: a cost is frozen as
    bought, and only a line whose cost was never known may take one later."""
    incomplete = LineCost.objects.exclude(problem="")
    if order_numbers:
        incomplete = incomplete.filter(order__number__in=list(order_numbers))
    recosted = still = 0
    for order_id in sorted(set(incomplete.values_list("order_id", flat=True))):
        rows = incomplete.filter(order_id=order_id)
        count = rows.count()
        try:
            with transaction.atomic():
                rows.delete()
                costs = freeze_order_costs(order_id=order_id)
                if len(costs) < count:  # a line failed (logged): keep the order's rows as they were
                    raise _KeepAsItWas
        except _KeepAsItWas:
            still += count
            continue
        still += sum(1 for cost in costs if cost.problem)
        recosted += sum(1 for cost in costs if not cost.problem)
    return recosted, still


class _KeepAsItWas(Exception):
    pass


def _keep(order, line, costed):
    if costed.problems:
        logger.warning("Order %s line %s costed incompletely: %s", order.number, line.pk, "; ".join(costed.problems))
    return LineCost.objects.create(
        line=line,
        order=order,
        quantity=costed.quantity,
        currency=order.currency,
        family_slug=costed.family_slug,
        family_version=costed.family_version,
        materials_per_unit=costed.materials_per_unit,
        materials=costed.materials,
        labour_minutes=costed.labour_minutes,
        labour_per_unit=costed.labour_per_unit,
        labour=costed.labour,
        problem="; ".join(costed.problems)[:300],
        computed_at=timezone.now(),
    )


def record_actual_labour(*, within=timedelta(days=180), chunk=500):
    """The labour a finished line really took: for line costs of the last `within` without it
    whose work order has every operation finished, the floor's started-to-finished minutes at each
    work center's rate now. Written once (only where none is recorded), so running it again
    changes nothing. Returns how many lines were recorded.

    Work orders with work still to do are passed over and looked at on the next run; so is a line
    whose operations carry no times (finished outside the floor's actions). Read in chunks by id,
    so the lines still in the workshop never crowd out the ones finished behind them."""
    pending = LineCost.objects.filter(
        actual_recorded_at__isnull=True, family_slug__gt="", computed_at__gte=timezone.now() - within
    ).order_by("pk")
    recorded, after = 0, 0
    while True:
        rows = list(pending.filter(pk__gt=after).values_list("pk", "line_id", "quantity")[:chunk])
        if not rows:
            return recorded
        after = rows[-1][0]
        worked = finished_lines(line_id for _pk, line_id, _quantity in rows)
        for pk, line_id, quantity in rows:
            if line_id in worked:
                recorded += _record_actual(pk, quantity, worked[line_id])


def _record_actual(pk, quantity, steps):
    total = sum((step.rate_per_hour * step.minutes / SIXTY for step in steps), Decimal(0))
    return LineCost.objects.filter(pk=pk, actual_recorded_at__isnull=True).update(
        actual_labour_minutes=sum(step.minutes for step in steps),
        actual_labour_per_unit=(total / max(1, quantity)).quantize(PLACES),
        actual_labour=[
            {"step": s.code, "minutes": s.minutes, "work_center": s.work_center, "rate_per_hour": str(s.rate_per_hour)}
            for s in steps
        ],
        actual_recorded_at=timezone.now(),
    )


def recost_changed_line(*, order_id, line_id):
    """Cost again one line whose design the customer changed before production (its configuration
    is no longer what was costed): its row replaced by today's cost of the new configuration, in
    one transaction. Returns the new rows."""
    with transaction.atomic():
        LineCost.objects.filter(order_id=order_id, line_id=line_id).delete()
        return freeze_order_costs(order_id=order_id)
