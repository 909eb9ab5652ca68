"""Paid orders become work orders, planned on work centers; bad plans keep the previous one."""

import io
import json
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from oscar.core.loading import get_class, get_model

from configurator.promise import add_working_days
from portal import events, reconcile
from production import routing, tasks
from production.models import Operation, PlanRun, ProductionEvent, PromisedDate, Shift, WorkOrder
from production.selectors import promises
from production.selectors.board import last_failure
from production.selectors.progress import order_progress
from production.selectors.release import orders_missing_work_orders
from production.services import floor
from production.services import release as release_module
from production.services.release import release_order_to_production
from production.services.replanning import replan
from tests.factories import CustomerFactory, OrderFactory

pytestmark = pytest.mark.django_db
Order = get_model("order", "Order")

TEE = ("printed-tee", {"colour": "sage", "print_text": "Crew", "ink": "white"}, 3)
TOTE = ("printed-tote", {"print_text": "Allotment", "ink": "clay"}, 2)
FRIDGE = ("atelier-fridge", {"hinge": "left", "finish": "sage", "ice_maker": True, "water_kit": True}, 1)


def planned(work_order):
    return [
        (op.code, op.work_center_id, op.planned_start, op.planned_end) for op in work_order.operations.order_by("pk")
    ]


def step(code, minutes, *, setup=0, per_piece=0, rules=()):
    return routing.StepSpec(code, code, 10, minutes, setup, per_piece, tuple(rules), (1,), ())


# --- Routings from configurations -------------------------------------------------------------


def test_a_left_hinge_adds_20_minutes_of_setup_at_door_assembly():
    doors = step("doors", 75, rules=[{"option": "hinge", "equals": "left", "setup": 20}])

    left = routing.operation_for(doors, {"hinge": "left"}, 1)
    right = routing.operation_for(doors, {"hinge": "right"}, 1)

    assert (left.minutes, left.setup) == (75, 20)
    assert (right.minutes, right.setup) == (75, 0)


def test_each_sofa_module_adds_45_minutes_at_upholstery():
    upholster = step("upholster", 30, rules=[{"option": "modules", "per_unit": 45}])

    three = routing.operation_for(upholster, {"modules": 3}, 1)
    four = routing.operation_for(upholster, {"modules": 4}, 1)

    assert four.minutes - three.minutes == 45


def test_a_print_run_scales_with_quantity():
    run = step("print", 10, setup=20, per_piece=3)

    assert routing.operation_for(run, {}, 1).minutes == 13
    assert routing.operation_for(run, {}, 100).minutes == 310
    assert routing.operation_for(run, {}, 100).setup == 20


def test_demo_fridge_with_a_left_hinge_carries_the_setup_on_both_door_stations():
    work_order = WorkOrder.objects.get(order__number="DEMO-2001")
    doors = work_order.operations.get(code="doors")

    assert sorted((a.work_center.code, a.minutes, a.setup) for a in doors.alternatives.all()) == [
        ("door-1", 75 + 40 + 20, 20),
        ("door-2", 75 + 40 + 20, 20),
    ]


# --- order_paid ------------------------------------------------------------------------------


def test_paid_demo_orders_are_planned_on_work_centers():
    operations = Operation.objects.filter(work_order__order__number__in=["DEMO-2001", "DEMO-2002"])

    assert set(operations.values_list("work_order__order__number", flat=True)) == {"DEMO-2001", "DEMO-2002"}
    assert not operations.filter(work_center=None).exists()
    assert all(op.planned_start < op.planned_end for op in operations)
    assert all(op.alternatives.filter(work_center=op.work_center).exists() for op in operations)
    assert PlanRun.objects.first().outcome == PlanRun.OK


def test_order_paid_creates_one_work_order_per_configured_line_and_plans_them(django_capture_on_commit_callbacks):
    order = OrderFactory(configured=[TEE, TOTE])  # paid, not released yet
    assert not WorkOrder.objects.filter(order=order).exists()

    with django_capture_on_commit_callbacks(execute=True):
        events.order_paid(order)

    work_orders = WorkOrder.objects.filter(order=order)
    assert sorted(wo.family_slug for wo in work_orders) == ["printed-tee", "printed-tote"]
    assert all(op.planned_start for wo in work_orders for op in wo.operations.all())
    assert PromisedDate.objects.filter(order=order).exists()


def test_a_second_order_paid_creates_nothing():
    order = OrderFactory(configured=[TEE, TOTE])
    tasks.release_paid_order(order.pk)
    rows = (WorkOrder.objects.count(), Operation.objects.count(), PromisedDate.objects.count())
    runs = PlanRun.objects.count()

    created = tasks.release_paid_order(order.pk)

    assert created == []
    assert (WorkOrder.objects.count(), Operation.objects.count(), PromisedDate.objects.count()) == rows
    assert PlanRun.objects.count() == runs  # nothing new, nothing to re-plan


def test_stocked_goods_make_no_work_order():
    order = OrderFactory()  # a part from the shelf

    assert release_order_to_production(order_id=order.pk) == []


def test_customer_weight_sets_the_work_order_priority():
    order = OrderFactory(configured=[TOTE])

    (work_order,) = release_order_to_production(order_id=order.pk, customer_weight=3)

    assert work_order.weight == 3


# --- Planning failures keep the previous plan ---------------------------------------------------


def assert_failed_and_kept(before_plans, message_part):
    run = replan(trigger="test")
    assert run.outcome == PlanRun.FAILED
    assert run.message.startswith("Planning failed, the previous plan is kept: ")
    assert message_part in run.message
    assert last_failure(run.plant) == run
    for work_order, before in before_plans:
        assert planned(work_order) == before
    return run


def test_cyclic_precedence_fails_and_keeps_the_previous_plan(sofa):
    frame, pack = sofa.operations.get(code="frame"), sofa.operations.get(code="pack")
    frame.after.add(pack)  # the frame after the packing, which is after the frame

    assert_failed_and_kept([(sofa, planned(sofa))], "cycl")


def test_an_operation_with_no_eligible_work_center_fails_and_keeps_the_previous_plan(sofa):
    sofa.operations.get(code="sew").alternatives.all().delete()

    run = assert_failed_and_kept([(sofa, planned(sofa))], "no eligible machine")
    assert f"{sofa.number}:sew" in run.message


def test_a_calendar_with_no_capacity_fails_and_keeps_the_previous_plan(sofa):
    tee = WorkOrder.objects.get(order__number="DEMO-2002", family_slug="printed-tee")
    Shift.objects.filter(calendar__name="Two shifts").delete()  # the printers never open

    assert_failed_and_kept([(sofa, planned(sofa)), (tee, planned(tee))], "no capacity")


def test_a_good_plan_after_a_failure_clears_the_error(sofa):
    frame, pack = sofa.operations.get(code="frame"), sofa.operations.get(code="pack")
    frame.after.add(pack)
    failed = replan(trigger="test")
    frame.after.remove(pack)

    run = replan(trigger="test")

    assert (failed.outcome, run.outcome) == (PlanRun.FAILED, PlanRun.OK)
    assert last_failure(run.plant) is None


def test_an_unreadable_instance_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError) as error:
        call_command("schedule_benchmark", str(tmp_path / "missing.txt"), stdout=io.StringIO())

    assert "missing.txt" in str(error.value)


# --- The floor: started, finished, blocked ---------------------------------------------------


def test_starting_the_first_operation_puts_the_order_in_production(sofa, planner):
    first = sofa.operations.get(code="frame")

    floor.start_operation(operation=first, user=planner)

    order = Order.objects.get(pk=sofa.order_id)
    assert order.status == "In production"
    progress = order_progress(order_id=order.pk)
    assert progress.stage == "in_production"
    assert progress.planned_ship_date is not None
    assert progress.promised_ship_date == PromisedDate.objects.get(order=order).ship_date
    labels = [label for _, label in progress.events]
    assert "The Modular Sofa: production started" in labels
    assert not any("Pat" in label or "planner" in label for label in labels)
    event = ProductionEvent.objects.get(kind="started", operation=first)
    assert event.user == planner


def test_a_started_operation_is_frozen_at_its_actual_start_through_a_replan(sofa, planner):
    first = sofa.operations.get(code="frame")
    began = timezone.now() - timedelta(minutes=5)
    floor.start_operation(operation=first, user=planner, now=began)

    run = replan(trigger="test")

    first.refresh_from_db()
    assert run.outcome == PlanRun.OK
    assert first.status == Operation.STARTED
    assert first.actual_start == began
    upholster = sofa.operations.get(code="upholster")
    assert upholster.planned_start >= began


def test_an_operation_cannot_start_before_its_predecessors_finish(sofa, planner):
    with pytest.raises(floor.ProductionActionError, match="cannot start before"):
        floor.start_operation(operation=sofa.operations.get(code="upholster"), user=planner)


def test_moving_to_a_work_center_that_is_not_eligible_is_refused(sofa, planner):
    upholster = sofa.operations.get(code="upholster")
    cutter = sofa.operations.get(code="cut-fabric").work_center

    with pytest.raises(floor.ProductionActionError, match="not an eligible work center"):
        floor.move_operation(operation=upholster, work_center=cutter, user=planner)


def test_a_moved_operation_stays_on_its_new_work_center_through_replans(sofa, planner):
    upholster = sofa.operations.get(code="upholster")
    other = upholster.alternatives.exclude(work_center=upholster.work_center).get().work_center

    floor.move_operation(operation=upholster, work_center=other, user=planner)
    replan(trigger="test", user=planner)

    upholster.refresh_from_db()
    assert upholster.work_center == other
    assert ProductionEvent.objects.filter(kind="moved", operation=upholster, user=planner).exists()


def test_finishing_every_operation_finishes_the_order(planner):
    fridge = WorkOrder.objects.get(order__number="DEMO-2001")
    for op in fridge.operations.order_by("sequence"):
        floor.start_operation(operation=op, user=planner)
        op.refresh_from_db()
        floor.finish_operation(operation=op, user=planner)

    progress = order_progress(order_id=fridge.order_id)

    assert progress.stage == "finished"
    assert progress.events[-1][1] == "The Atelier Fridge: made, ready to ship"


def test_a_blocked_work_order_holds_no_capacity_and_the_rest_is_planned(sofa, planner):
    floor.block_operation(operation=sofa.operations.get(code="sew"), user=planner)

    run = replan(trigger="test")

    assert run.outcome == PlanRun.OK
    assert sofa.operations.get(code="sew").status == Operation.BLOCKED


# --- Capable-to-promise ---------------------------------------------------------------------


def test_the_promise_is_the_queue_plus_the_lead_time():
    today = timezone.localdate()

    estimate = promises.capable_to_promise(family_slug="modular-sofa", values={}, lead_days=8, start=today)

    assert estimate >= add_working_days(today, 8)


def test_a_long_print_run_is_promised_later_than_one_piece():
    today = timezone.localdate()
    tee = {"colour": "sage", "print_text": "Crew", "ink": "white"}

    one = promises.capable_to_promise(family_slug="printed-tee", values=tee, lead_days=3, start=today, quantity=1)
    run = promises.capable_to_promise(family_slug="printed-tee", values=tee, lead_days=3, start=today, quantity=1000)

    # 999 more pieces at 3 minutes on one printer of two 7.5-hour shifts: 3,000 minutes, over 3 days.
    assert run >= add_working_days(one, 3)


def test_the_configurator_promises_a_long_print_run_later():
    from configurator.quoting import configure

    tee = {"colour": "sage", "print_text": "Crew", "ink": "white"}
    one = configure(family_slug="printed-tee", values=tee, quantity=1)
    run = configure(family_slug="printed-tee", values=tee, quantity=400)

    assert run.ship_date > one.ship_date


def test_a_queue_on_one_alternative_work_center_does_not_delay_the_promise():
    doors = routing.StepSpec("doors", "doors", 10, 75, 0, 0, (), (1, 2), ())
    day = 900  # open minutes a day

    assert promises._waiting_days([doors], {1: (5 * day, day), 2: (0, day)}, {}, 1) == 0
    assert promises._waiting_days([doors], {1: (5 * day, day), 2: (2 * day, day)}, {}, 1) == 2
    # The busiest step decides; a step on no open work center is the planner's to report.
    pack = routing.StepSpec("pack", "pack", 20, 45, 0, 0, (), (3,), ("doors",))
    assert promises._waiting_days([doors, pack], {1: (0, day), 2: (0, day), 3: (3.5 * day, day)}, {}, 1) == 4
    assert promises._waiting_days([pack], {3: (100, 0)}, {}, 1) == 0


def test_a_family_production_does_not_make_falls_back_to_the_configurator():
    today = timezone.localdate()

    assert promises.capable_to_promise(family_slug="unknown", values={}, lead_days=3, start=today) is None


def test_the_reconciler_releases_paid_orders_whose_work_orders_went_missing():
    fridge_order = OrderFactory(configured=[FRIDGE])  # paid, and the worker died before releasing it

    assert orders_missing_work_orders() == [fridge_order.pk]
    assert reconcile.run_one(reconcile.by_name("work-orders")) == 1

    assert WorkOrder.objects.filter(order=fridge_order).count() == 1
    assert orders_missing_work_orders() == []


def test_the_checkout_promises_the_latest_ship_date_of_the_made_to_order_lines():
    from configurator import services as configurator_services
    from production.templatetags.production_tags import basket_ship_date

    Basket = get_model("basket", "Basket")
    Selector = get_class("partner.strategy", "Selector")
    basket = Basket.objects.create(owner=CustomerFactory())
    basket.strategy = Selector().strategy()
    assert basket_ship_date(basket) is None
    _, sofa = configurator_services.add_configuration_to_basket(
        basket=basket, family_slug="modular-sofa", values={"modules": 3, "width": 220, "depth": 95, "fabric": "moss"}
    )
    _, tee = configurator_services.add_configuration_to_basket(
        basket=basket, family_slug="printed-tee", values={"colour": "sage", "print_text": "Hi", "ink": "white"}
    )

    assert basket_ship_date(basket) == max(sofa.ship_date, tee.ship_date)


def test_a_rush_option_counts_only_when_chosen():
    assert routing.is_rush({"delivery": "rush"}, "delivery")
    assert routing.is_rush({"express": True}, "express")
    assert not routing.is_rush({"delivery": "standard"}, "delivery")
    assert not routing.is_rush({"express": False}, "express")
    assert not routing.is_rush({"express": True}, "")  # the family sells no rush option


def test_work_released_just_after_a_design_change_is_made_from_the_new_design(monkeypatch):
    """A change (portal/after_sales) rewrites the line under the order's lock; a release that read the
    order before it must still make the work from the design as it stands once it holds that lock."""
    right_hinged = ("atelier-fridge", {**FRIDGE[1], "hinge": "right"}, 1)
    order = OrderFactory(configured=[right_hinged])
    attribute = order.lines.get().attributes.get(option__code="configuration")
    read_before = release_module.promise_order

    def change_lands_meanwhile(*, order_id):
        promised = read_before(order_id=order_id)  # the release has read the lines by now
        design = json.loads(attribute.value)
        design["values"]["hinge"] = "left"
        attribute.value = json.dumps(design)
        attribute.save()
        return promised

    monkeypatch.setattr(release_module, "promise_order", change_lands_meanwhile)

    [work_order] = release_order_to_production(order_id=order.pk)

    doors = work_order.operations.get(code="doors")
    assert {a.setup for a in doors.alternatives.all()} == {20}  # a left hinge's setup, as in the demo's DEMO-2001
