"""A paid demo order becomes planned work orders on a real worker (the `scheduling` queue)."""

import re

import pytest
from django.db import transaction
from oscar.core.loading import get_model

from portal import events
from production.models import Operation, PlanRun, WorkOrder
from tests.helpers import wait_for

pytestmark = pytest.mark.integration
Order = get_model("order", "Order")
RELEASED = re.compile(r"production\.tasks\.release_paid_order\[[^\]]+\] succeeded")


def planned_work_orders(order):
    work_orders = list(WorkOrder.objects.filter(order=order))
    if len(work_orders) < 2:
        return None
    unplanned = Operation.objects.filter(work_order__in=work_orders, planned_start__isnull=True)
    return None if unplanned.exists() else work_orders


def test_a_paid_order_is_released_and_scheduled_by_the_worker(committed_demo_shop, celery_worker_process):
    order = Order.objects.get(number="DEMO-1003")  # a tee run and a tote run, not yet in production
    runs = PlanRun.objects.count()

    with transaction.atomic():
        events.order_paid(order)

    work_orders = wait_for(lambda: planned_work_orders(order), timeout=90, message="planned work orders")
    assert sorted(wo.family_slug for wo in work_orders) == ["printed-tee", "printed-tote"]
    run = wait_for(lambda: PlanRun.objects.count() > runs and PlanRun.objects.first(), message="the plan run")
    assert run.outcome == PlanRun.OK
    assert run.trigger == "order DEMO-1003 paid"
    assert "production.tasks.release_paid_order" in celery_worker_process.output()

    # order_paid again (a replayed webhook): the worker creates nothing more.
    with transaction.atomic():
        events.order_paid(order)
    wait_for(lambda: len(RELEASED.findall(celery_worker_process.output())) >= 2, timeout=60, message="a second run")
    assert WorkOrder.objects.filter(order=order).count() == 2
