"""A design change racing the planner's start button: one of them wins, and the loser changes nothing.

The change withdraws the line's work with the same conditional update as a cancellation, and
makes new operations for the new design; the start's conditional update finds its operation
withdrawn (then gone) or wins and the change is refused. Needs PostgreSQL: SQLite serialises
whole transactions."""

import uuid

import pytest
from django.db import connection
from oscar.core.loading import get_model

from portal.after_sales import design_changes as service
from portal.after_sales.models import DesignChange
from production.models import Operation
from production.selectors.release import configuration_of
from production.services import floor
from tests.after_sales.test_cancellation_races import a_released_fridge_order
from tests.helpers import at_once

User = get_model("users", "User")


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's row locks and real concurrency")
def test_a_design_change_racing_the_start_button_has_one_winner(committed_demo_shop):
    planner = User.objects.get(email="planner@atelier.example")
    winners = set()
    for _round in range(6):
        order, first = a_released_fridge_order()
        line = order.lines.get()
        old_operations = set(Operation.objects.filter(work_order__order=order).values_list("pk", flat=True))
        quote = service.quote_change(order=order, line=line, values={**configuration_of(line)[2], "capacity": "300"})

        def change(order=order, line=line, quote=quote):
            return service.request_change(
                order=order, line=line, values=quote.values, by=order.user, key=uuid.uuid4(),
                expected_difference=quote.difference,
            )  # fmt: skip

        def start(first=first):
            return floor.start_operation(operation=Operation.objects.get(pk=first.pk), user=planner)

        changed, started = at_once(lambda action: action(), [change, start])

        order.refresh_from_db()
        line.refresh_from_db()
        operations = Operation.objects.filter(work_order__order=order)
        if isinstance(changed, DesignChange):
            winners.add("change")
            assert isinstance(started, floor.ProductionActionError), started
            assert order.status == "Paid"
            assert configuration_of(order.lines.get())[2]["capacity"] == "300"
            assert not old_operations & set(operations.values_list("pk", flat=True))
            assert set(operations.values_list("status", flat=True)) == {"planned"}
        else:
            winners.add("start")
            assert isinstance(changed, service.ChangeRefused), changed
            assert "Production started" in str(changed)
            assert started is None
            assert order.status == "In production"
            assert set(operations.values_list("pk", flat=True)) == old_operations
            assert not operations.filter(status="withdrawn").exists()
            assert configuration_of(order.lines.get())[2]["capacity"] != "300"
            assert not DesignChange.objects.filter(order=order).exists()
    assert winners  # each round had exactly one; which one is the scheduler's choice
