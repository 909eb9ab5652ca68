"""What a paid order's release reads: a line's configuration, its family's routing steps, and
the paid orders whose work orders are missing (a release lost with a killed worker)."""

from datetime import timedelta

from django.utils import timezone
from oscar.core.loading import get_model

from atelier.orders import CONFIGURATION_OPTION, OrderStatus, UnreadableConfiguration, read_line_configuration

from .. import routing
from ..models import RoutingTemplate


def configuration_of(line):
    """(family slug, version, values) of a basket or order line made to order; None for stocked goods.

    A configuration that cannot be read is None as well: nothing can be made or promised from it."""
    try:
        return read_line_configuration(line)
    except UnreadableConfiguration:
        return None


def routing_steps(template):
    """A routing template's steps as the pure routing module reads them."""
    return [
        routing.StepSpec(
            code=step.code,
            name=step.name,
            sequence=step.sequence,
            minutes=step.minutes,
            setup=step.setup,
            per_piece=step.per_piece,
            rules=tuple(step.rules or ()),
            work_center_ids=tuple(wc.pk for wc in step.work_centers.all()),
            after=tuple(before.code for before in step.after.all()),
        )
        for step in template.steps.prefetch_related("work_centers", "after")
    ]


def revision_steps(revision):
    """A routing revision's steps (kept as JSON) as the pure routing module reads them; the work
    center ids are not kept (codes are), and nothing reading a revision's words needs them."""
    return [
        routing.StepSpec(
            code=step["code"],
            name=step["name"],
            sequence=step["sequence"],
            minutes=step["minutes"],
            setup=step["setup"],
            per_piece=step["per_piece"],
            rules=tuple(step.get("rules") or ()),
            work_center_ids=(),
            after=tuple(step.get("after") or ()),
        )
        for step in revision.steps
    ]


def orders_missing_work_orders(*, days=30):
    """Paid orders (last `days` days) with a configured line that has no work order yet, and a
    routing for its family: the release was lost (a worker killed mid-task) and is due again.

    By the status now, deliberately: work is due only while the order is paid or in production;
    one refunded, cancelled or already shipped since must not be made (unlike its confirmation
    email, which is due whatever happened next)."""
    Line = get_model("order", "Line")
    families = set(RoutingTemplate.objects.values_list("family_slug", flat=True))
    lines = (
        Line.objects.filter(
            order__status__in=[OrderStatus.PAID, OrderStatus.IN_PRODUCTION],
            order__date_placed__gte=timezone.now() - timedelta(days=days),
            attributes__option__code=CONFIGURATION_OPTION,
        )
        .exclude(work_orders__kind="order")
        .prefetch_related("attributes__option")
    )
    missing = set()
    for line in lines:
        parsed = configuration_of(line)
        if parsed is not None and parsed[0] in families:
            missing.add(line.order_id)
    return sorted(missing)
