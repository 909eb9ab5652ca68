"""The reconciler that releases paid orders whose work orders went missing (portal/reconcile.py)
takes each order (and each line) on its own: one whose routing data is broken is noted once, the
others are released."""

import pytest
from oscar.core.loading import get_model

from portal import reconcile
from production.models import RoutingStep, WorkOrder
from production.selectors.release import orders_missing_work_orders

pytestmark = pytest.mark.django_db
Order = get_model("order", "Order")


def test_an_order_that_cannot_be_released_does_not_stop_the_others():
    fridge, sofa = Order.objects.get(number="DEMO-2001"), Order.objects.get(number="DEMO-2002")
    sofa_work_orders = WorkOrder.objects.filter(order=sofa).count()
    WorkOrder.objects.filter(order__in=[fridge, sofa]).delete()  # as if their workers died mid-task
    step = RoutingStep.objects.filter(routing__family_slug="atelier-fridge").order_by("sequence").first()
    step.rules = [*step.rules, {"option": "hinge", "per_unit": "several"}]  # typed into the admin by mistake
    step.save(update_fields=["rules"])
    assert orders_missing_work_orders() == sorted([fridge.pk, sofa.pk])
    assert fridge.pk < sofa.pk  # the broken one comes first

    for _ in range(2):
        reconcile.run_one(reconcile.by_name("work-orders"))

    assert WorkOrder.objects.filter(order=sofa).count() == sofa_work_orders > 0
    assert not WorkOrder.objects.filter(order=fridge).exists()
    [note] = fridge.notes.filter(note_type="Warning").values_list("message", flat=True)
    assert "could not be released to production: ValueError" in note
    assert orders_missing_work_orders() == [fridge.pk]
