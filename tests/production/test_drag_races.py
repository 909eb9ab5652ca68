"""Six planners drop one operation at once, each from a page drawn at the same plan revision:
one drop is written, the others are refused with nothing changed (PostgreSQL's row locks)."""

import pytest
from django.db import connection

from production.models import Plant, ProductionEvent, WorkCenter, WorkOrder
from production.services import dragging
from tests.helpers import at_once


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's row locks and real concurrency")
def test_six_planners_dropping_one_operation_at_once_write_one_drop(committed_demo_shop, planner):
    sofa = WorkOrder.objects.get(order__number="DEMO-2002", family_slug="modular-sofa")

    def page():  # the operation as each planner's page read it
        return sofa.operations.select_related("work_order__plant", "work_center").get(code="upholster")

    upholster = page()
    other = WorkCenter.objects.get(
        pk=upholster.alternatives.exclude(work_center=upholster.work_center).get().work_center_id
    )
    revision = Plant.objects.get().plan_revision
    copies = [page() for _ in range(6)]

    outcomes = at_once(
        lambda operation: dragging.drop_operation(
            operation=operation, work_center=other, start=operation.planned_start, revision=revision, user=planner
        ),
        copies,
    )

    written = [o for o in outcomes if isinstance(o, dragging.Drop) and o.changed]
    refused = [o for o in outcomes if isinstance(o, dragging.DropConflict)]
    assert (len(written), len(refused)) == (1, 5), outcomes
    assert ProductionEvent.objects.filter(kind="moved", operation=upholster).count() == 1
    assert Plant.objects.get().plan_revision == revision + 1
    upholster.refresh_from_db()
    assert upholster.work_center == other and upholster.frozen
