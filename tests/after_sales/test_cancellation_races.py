"""A cancellation racing the planner's start button: one of them wins, and the loser changes nothing.

The withdrawal's conditional update and the start's both take the operation's row lock; whichever
commits first decides. Needs PostgreSQL: SQLite serialises whole transactions."""

import uuid

import pytest
from django.db import connection
from oscar.core.loading import get_model

from portal.after_sales import cancellation as service
from portal.after_sales.models import Cancellation
from production.models import Operation
from production.services import floor
from production.services.release import release_order_to_production
from tests.factories import OrderFactory
from tests.helpers import at_once

User = get_model("users", "User")
Order = get_model("order", "Order")


def a_released_fridge_order():
    order = OrderFactory(configured=[("atelier-fridge", {"hinge": "left"}, 1)])
    release_order_to_production(order_id=order.pk)
    first = Operation.objects.filter(work_order__order=order, after__isnull=True).order_by("pk").first()
    first.work_center = first.alternatives.first().work_center
    first.save(update_fields=["work_center"])
    return order, first


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's row locks and real concurrency")
def test_a_cancellation_racing_the_start_button_has_one_winner(committed_demo_shop):
    planner = User.objects.get(email="planner@atelier.example")
    winners = set()
    for _round in range(6):
        order, first = a_released_fridge_order()

        def cancel(order=order):
            return service.cancel_order(order=order, by=order.user, reason="mistake", key=uuid.uuid4())

        def start(first=first):
            return floor.start_operation(operation=Operation.objects.get(pk=first.pk), user=planner)

        cancelled, started = at_once(lambda action: action(), [cancel, start])

        order.refresh_from_db()
        operations = Operation.objects.filter(work_order__order=order)
        if isinstance(cancelled, Cancellation):
            winners.add("cancel")
            assert isinstance(started, floor.ProductionActionError)
            assert order.status == "Cancelled"
            assert set(operations.values_list("status", flat=True)) == {"withdrawn"}
        else:
            winners.add("start")
            assert isinstance(cancelled, service.CancellationRefused), cancelled
            assert "Production started" in str(cancelled)
            assert started is None
            assert order.status == "In production"
            assert not operations.filter(status="withdrawn").exists()
            assert not Cancellation.objects.filter(order=order).exists()
    assert winners  # each round had exactly one; which one is the scheduler's choice
