"""A floor action on a page that is out of date (a double click, two planners on one operation)
changes nothing twice: the status is checked and changed in one UPDATE, and the loser is told."""

from datetime import timedelta

import pytest
from django.db import connection, models
from django.utils import timezone

from production.models import Operation, ProductionEvent, WorkOrder
from production.services import floor
from tests.helpers import at_once


def sofa_operation(code):
    """A fresh copy of one of the demo sofa's operations, as a page loaded now would hold it."""
    return WorkOrder.objects.get(order__number="DEMO-2002", family_slug="modular-sofa").operations.get(code=code)


@pytest.mark.django_db
def test_a_second_start_from_a_stale_page_is_refused_and_keeps_the_first_start(planner):
    first_click, second_click = sofa_operation("frame"), sofa_operation("frame")
    began = timezone.now() - timedelta(minutes=3)
    floor.start_operation(operation=first_click, user=planner, now=began)

    with pytest.raises(floor.ProductionActionError, match="is started now; nothing was recorded"):
        floor.start_operation(operation=second_click, user=planner, now=timezone.now())

    assert ProductionEvent.objects.filter(kind="started", operation=first_click).count() == 1
    first_click.refresh_from_db()
    assert first_click.actual_start == began


@pytest.mark.django_db
def test_a_second_finish_from_a_stale_page_is_refused(planner):
    floor.start_operation(operation=sofa_operation("frame"), user=planner)
    first_click, second_click = sofa_operation("frame"), sofa_operation("frame")
    done = timezone.now()
    floor.finish_operation(operation=first_click, user=planner, now=done)

    with pytest.raises(floor.ProductionActionError, match="is finished now; nothing was recorded"):
        floor.finish_operation(operation=second_click, user=planner, now=done + timedelta(minutes=1))

    assert ProductionEvent.objects.filter(kind="finished", operation=first_click).count() == 1
    first_click.refresh_from_db()
    assert first_click.actual_end == done


@pytest.mark.django_db
def test_an_operation_started_meanwhile_cannot_be_blocked_from_a_stale_page(planner):
    stale = sofa_operation("frame")
    floor.start_operation(operation=sofa_operation("frame"), user=planner)

    with pytest.raises(floor.ProductionActionError, match="is started now; nothing was recorded"):
        floor.block_operation(operation=stale, user=planner)

    stale.refresh_from_db()
    assert stale.status == Operation.STARTED
    assert not ProductionEvent.objects.filter(kind="blocked", operation=stale).exists()


@pytest.mark.django_db
def test_an_operation_blocked_meanwhile_cannot_be_moved_from_a_stale_page(planner):
    stale = sofa_operation("upholster")
    other = stale.alternatives.exclude(work_center=stale.work_center).get().work_center
    floor.block_operation(operation=sofa_operation("upholster"), user=planner)

    with pytest.raises(floor.ProductionActionError, match="is blocked now; nothing was recorded"):
        floor.move_operation(operation=stale, work_center=other, user=planner)

    stale.refresh_from_db()
    assert (stale.status, stale.pinned) == (Operation.BLOCKED, False)
    assert not ProductionEvent.objects.filter(kind="moved", operation=stale).exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's row locks and real concurrency")
def test_two_planners_starting_one_operation_at_once_record_one_start(committed_demo_shop, planner):
    copies = [sofa_operation("frame") for _ in range(6)]

    outcomes = at_once(lambda operation: floor.start_operation(operation=operation, user=planner), copies)

    refused = [o for o in outcomes if isinstance(o, floor.ProductionActionError)]
    assert (len(refused), outcomes.count(None)) == (5, 1)
    assert ProductionEvent.objects.filter(kind="started", operation=copies[0]).count() == 1


@pytest.mark.django_db
def test_freezing_twice_records_one_freeze(planner):
    work_order = WorkOrder.objects.get(order__number="DEMO-2002", family_slug="modular-sofa")

    floor.freeze_work_order(work_order=work_order, user=planner)
    floor.freeze_work_order(work_order=work_order, user=planner)
    floor.freeze_work_order(work_order=work_order, user=planner, frozen=False)

    work_order.refresh_from_db()
    assert not work_order.frozen
    kinds = list(ProductionEvent.objects.filter(work_order=work_order).values_list("kind", flat=True))
    assert (kinds.count("frozen"), kinds.count("unfrozen")) == (1, 1)


@pytest.mark.django_db
def test_recording_the_same_downtime_twice_keeps_one(planner):
    cutter = sofa_operation("cut-fabric").work_center
    start = timezone.now().replace(microsecond=0) + timedelta(hours=1)

    first = floor.add_downtime(work_center=cutter, start=start, end=start + timedelta(hours=2), reason="", user=planner)
    again = floor.add_downtime(
        work_center=cutter, start=start, end=start + timedelta(hours=2), reason="saw blade", user=planner
    )

    assert again == first
    assert cutter.downtimes.count() == 1
    assert ProductionEvent.objects.filter(kind="downtime").count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's row locks and real concurrency")
def test_a_replan_waits_for_a_board_action_holding_an_operation_instead_of_deadlocking(committed_demo_shop, planner):
    """The action holds an operation's row and then bumps the plant; the re-plan, which writes every
    operation, must take the operation's row before the plant's, or each waits for the other."""
    import threading

    from django.db import connections, transaction

    from production.models import Plant
    from production.services import replanning
    from tests.helpers import wait_for

    operation = sofa_operation("frame")
    plant = Plant.objects.get(pk=operation.work_order.plant_id)
    holding, replan_outcome = threading.Event(), []

    def replan():
        try:
            holding.wait()
            replan_outcome.append(replanning.replan(plant=plant, trigger="test"))
        except Exception as error:  # noqa: BLE001 -- asserted below
            replan_outcome.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=replan)
    thread.start()
    try:
        with transaction.atomic():
            Operation.objects.filter(pk=operation.pk).update(pinned=True)  # the action's row lock
            holding.set()
            # The re-plan computes its plan (outside any transaction), then waits for this row.
            wait_for(_waiting_on_a_lock, timeout=60, message="the re-plan to wait for the operation's row")
            Plant.objects.filter(pk=plant.pk).update(plan_revision=models.F("plan_revision") + 1)
    finally:
        thread.join(timeout=120)
        connections.close_all()

    [outcome] = replan_outcome
    assert not isinstance(outcome, Exception), outcome
    assert outcome.outcome == "ok"


def _waiting_on_a_lock():
    from django.db import connections

    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")  # else a transaction sees its first snapshot again
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
        )
        return cursor.fetchone()[0] > 0
