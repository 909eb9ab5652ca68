"""Each line of a paid order keeps what it cost when it was bought: materials from the family
version it was configured on (or the stocked product's unit cost), labour from its routing at the
cheapest eligible work center's rate. Frozen: a later cost or rate change, a replayed payment, the
reconciler change nothing; one line that cannot be costed does not stop the others."""

import json
import logging
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from celery.exceptions import Retry
from django.core.management import call_command
from django.db import OperationalError
from django.utils import timezone
from oscar.core.loading import get_model

from analytics import services, tasks
from analytics.models import LineCost, ProductCost
from analytics.selectors import orders_missing_line_costs
from analytics.services import freeze_order_costs, record_actual_labour
from configurator import services as configurator_services
from configurator.models import Choice, Option, ProductFamily
from portal import events, reconcile
from production.models import Operation, RoutingStep, WorkCenter
from production.services import floor
from production.services.release import release_order_to_production
from tests.factories import OrderFactory, StaffFactory, StockedProductFactory

pytestmark = pytest.mark.django_db
Order = get_model("order", "Order")
LineAttribute = get_model("order", "LineAttribute")

TOTE = ("printed-tote", {"print_text": "Leeds allotment society", "ink": "clay", "sides": "both"}, 10)


def stocked(unit_cost=None):
    product = StockedProductFactory()
    if unit_cost is not None:
        ProductCost.objects.create(product=product, unit_cost=Decimal(unit_cost))
    return product


def rates(**per_hour):
    for code, rate in per_hour.items():
        WorkCenter.objects.filter(code=code.replace("_", "-")).update(rate_per_hour=Decimal(rate))


@pytest.fixture
def tote_costs():
    """The tote's costs as a merchandiser enters them, published as a new version: 5.20 the bag,
    1.40 for the second side, 0.60 for the printed text."""
    family = ProductFamily.objects.get(slug="printed-tote")
    Choice.objects.filter(option__family=family, option__code="sides", code="both").update(cost=Decimal("1.40"))
    Option.objects.filter(family=family, code="print_text").update(cost=Decimal("0.60"))
    return configurator_services.publish_version(family=family)


@pytest.fixture
def print_rates():
    rates(print_1="30.00", print_2="24.00", pack="22.00")


def test_a_configured_line_costs_its_base_and_options_and_its_routing_at_the_cheapest_rate(tote_costs, print_rates):
    order = OrderFactory(configured=[TOTE])

    [cost] = freeze_order_costs(order_id=order.pk)

    line = order.lines.get()
    assert (cost.line, cost.order, cost.quantity, cost.currency) == (line, order, 10, "GBP")
    assert (cost.family_slug, cost.family_version) == ("printed-tote", tote_costs.number)
    assert cost.materials_per_unit == Decimal("7.2000")  # 5.20 + 1.40 + 0.60
    shares = {share["option"]: (share["cost"], share["price"]) for share in cost.materials}
    assert shares == {"base": ("5.20", "18.00"), "sides": ("1.40", "5.00"), "print_text": ("0.60", "0")}
    # Print: 10 + 3 a bag x 10 + 20 setup = 60 min on printer 2 (24/h, the cheaper) = 24.00;
    # pack: 5 + 1 a bag x 10 = 15 min at 22/h = 5.50. 29.50 for ten bags.
    assert cost.labour_minutes == 75
    assert cost.labour_per_unit == Decimal("2.9500")
    assert cost.labour == [
        {"step": "print", "minutes": 60, "work_center": "print-2", "rate_per_hour": "24.00"},
        {"step": "pack", "minutes": 15, "work_center": "pack", "rate_per_hour": "22.00"},
    ]
    assert cost.unit_cost == Decimal("10.1500")
    assert cost.line_cost == Decimal("101.50")
    assert cost.problem == ""
    assert cost.is_complete
    assert cost.actual_labour_per_unit is None


def test_a_stocked_line_costs_its_unit_cost_and_no_labour():
    product = stocked("3.25")
    order = OrderFactory(lines=[(product, 4)])

    [cost] = freeze_order_costs(order_id=order.pk)

    assert (cost.quantity, cost.family_slug, cost.family_version) == (4, "", None)
    assert cost.materials_per_unit == Decimal("3.2500")
    assert (cost.labour_minutes, cost.labour_per_unit) == (0, Decimal(0))
    assert cost.line_cost == Decimal("13.00")
    assert cost.is_complete


def test_a_stocked_product_without_a_unit_cost_is_kept_incomplete_with_the_reason():
    product = stocked()
    order = OrderFactory(lines=[(product, 1)])

    [cost] = freeze_order_costs(order_id=order.pk)

    assert cost.materials_per_unit is None
    assert cost.unit_cost is None
    assert cost.problem == "the product has no unit cost"


def test_labour_follows_the_configuration_through_the_routing_rules(print_rates):
    gold = ("printed-tee", {"colour": "sage", "print_text": "Gold", "ink": "gold"}, 1)
    order = OrderFactory(configured=[gold])

    [cost] = freeze_order_costs(order_id=order.pk)

    # Print: 10 + 3 a shirt + 20 setup + 15 setup for gold ink = 48 min at 24/h = 19.20;
    # pack: 5 + 1 = 6 min at 22/h = 2.20.
    assert cost.labour_minutes == 54
    assert cost.labour_per_unit == Decimal("21.4000")


def test_a_fridge_is_costed_on_every_step_of_its_routing():
    rates(cut="48.00", paint="42.00", door_1="34.00", door_2="31.00", pack="22.00")
    values = {"hinge": "left", "finish": "sage", "ice_maker": True, "water_kit": True}
    order = OrderFactory(configured=[("atelier-fridge", values, 1)])

    [cost] = freeze_order_costs(order_id=order.pk)

    # cabinet 90 + 10 at 48/h = 80.00; coat 60 + 15 at 42/h = 52.50; doors 75 + 40 + 20 + 20 setup
    # at 31/h (the cheaper door line) = 80.0833; pack 45 at 22/h = 16.50.
    assert [step["minutes"] for step in cost.labour] == [100, 75, 155, 45]
    assert cost.labour[2]["work_center"] == "door-2"
    assert cost.labour_per_unit == Decimal("229.0833")
    assert cost.materials_per_unit == Decimal("640.0000")  # the demo's options cost nothing above the base


def test_a_replayed_payment_writes_nothing_and_a_later_rate_or_cost_change_leaves_the_cost_as_bought(
    tote_costs, print_rates, django_capture_on_commit_callbacks
):
    order = OrderFactory(configured=[TOTE])
    with django_capture_on_commit_callbacks(execute=True):
        events.order_paid(order)  # the effect, through its task (eager in tests)
    before = LineCost.objects.get(order=order)

    rates(print_1="90.00", print_2="90.00", pack="90.00")
    family = ProductFamily.objects.get(slug="printed-tote")
    family.base_cost = Decimal("9.99")
    family.save(update_fields=["base_cost"])
    configurator_services.publish_version(family=family)
    with django_capture_on_commit_callbacks(execute=True):
        events.order_paid(order)  # replayed: a second webhook, a retried task
    assert freeze_order_costs(order_id=order.pk) == []

    after = LineCost.objects.get(order=order)
    assert after.pk == before.pk
    assert (after.materials_per_unit, after.labour_per_unit) == (Decimal("7.2000"), Decimal("2.9500"))
    assert after.computed_at == before.computed_at


def test_a_line_costed_late_is_costed_on_the_version_it_was_bought_on(tote_costs, print_rates):
    order = OrderFactory(configured=[TOTE])
    Choice.objects.filter(option__family__slug="printed-tote", option__code="sides", code="both").update(
        cost=Decimal("4.00")
    )
    configurator_services.publish_version(family=ProductFamily.objects.get(slug="printed-tote"))

    [cost] = freeze_order_costs(order_id=order.pk)

    assert cost.family_version == tote_costs.number
    assert cost.materials_per_unit == Decimal("7.2000")


def test_the_reconciler_freezes_the_costs_of_a_paid_order_that_has_none(tote_costs, print_rates):
    order = OrderFactory(configured=[TOTE])  # paid, its order_paid effects lost
    unpaid = OrderFactory(status="Pending payment")
    row = reconcile.by_name("line-costs")
    missing = orders_missing_line_costs()
    assert order.pk in missing
    assert unpaid.pk not in missing

    reconcile.run_one(row)

    assert LineCost.objects.get(order=order).labour_per_unit == Decimal("2.9500")
    assert not LineCost.objects.filter(order=unpaid).exists()
    assert orders_missing_line_costs() == []
    assert reconcile.run_one(row) == 0


def test_the_demo_orders_have_their_costs():
    assert orders_missing_line_costs() == []
    demo = LineCost.objects.filter(order__number__startswith="DEMO-")
    assert demo.count() == get_model("order", "Line").objects.filter(order__number__startswith="DEMO-").count()
    fridge = demo.get(order__number="DEMO-2001")
    assert fridge.materials_per_unit == Decimal("640.0000")
    assert fridge.labour_per_unit > 0
    assert fridge.is_complete


def test_a_line_whose_family_is_gone_is_kept_incomplete_and_the_others_are_costed(tote_costs, print_rates):
    order = OrderFactory(configured=[TOTE], lines=[(stocked("2.00"), 1)])
    configured = LineAttribute.objects.get(line__order=order, option__code="configuration")
    text = json.loads(configured.value)
    configured.value = json.dumps({**text, "family": "retired-mug"})  # its family deleted since
    configured.save(update_fields=["value"])

    costs = {cost.family_slug: cost for cost in freeze_order_costs(order_id=order.pk)}

    assert costs[""].materials_per_unit == Decimal("2.0000")
    gone = costs["retired-mug"]
    assert (gone.materials_per_unit, gone.labour_per_unit) == (None, None)
    assert gone.problem == "family retired-mug no longer exists; retired-mug has no routing, so no labour"
    assert orders_missing_line_costs() == []  # kept as it is: not costed again and again


def test_a_line_that_fails_to_cost_is_logged_skipped_and_tried_again_by_the_reconciler(tote_costs, print_rates, caplog):
    order = OrderFactory(configured=[TOTE], lines=[(stocked("2.00"), 1)])
    step = RoutingStep.objects.get(routing__family_slug="printed-tote", code="print")
    step.rules = [*step.rules, {"option": "sides", "per_unit": "several"}]  # typed into the admin by mistake
    step.save(update_fields=["rules"])

    with caplog.at_level(logging.ERROR, logger="analytics.services"):
        [cost] = freeze_order_costs(order_id=order.pk)

    assert cost.family_slug == "" and cost.materials_per_unit == Decimal("2.0000")
    [record] = caplog.records
    assert record.getMessage().endswith("its cost was not frozen; the reconciler tries again")
    assert orders_missing_line_costs() == [order.pk]

    step.rules = step.rules[:-1]  # mended
    step.save(update_fields=["rules"])
    reconcile.run_one(reconcile.by_name("line-costs"))
    assert LineCost.objects.filter(order=order).count() == 2
    assert orders_missing_line_costs() == []


def test_the_actual_labour_is_recorded_once_the_work_order_is_finished(tote_costs, print_rates):
    planner = StaffFactory()
    order = OrderFactory(configured=[TOTE])
    freeze_order_costs(order_id=order.pk)
    [work_order] = release_order_to_production(order_id=order.pk)
    print_op, pack_op = work_order.operations.order_by("sequence")
    printer, packing = WorkCenter.objects.get(code="print-1"), WorkCenter.objects.get(code="pack")
    start = timezone.now() - timedelta(hours=3)
    Operation.objects.filter(pk=print_op.pk).update(work_center=printer)
    floor.start_operation(operation=Operation.objects.get(pk=print_op.pk), user=planner, now=start)
    floor.finish_operation(
        operation=Operation.objects.get(pk=print_op.pk), user=planner, now=start + timedelta(minutes=70)
    )

    assert record_actual_labour() == 0  # packing still to do
    assert LineCost.objects.get(order=order).actual_recorded_at is None

    Operation.objects.filter(pk=pack_op.pk).update(work_center=packing)
    floor.start_operation(
        operation=Operation.objects.get(pk=pack_op.pk), user=planner, now=start + timedelta(minutes=80)
    )
    floor.finish_operation(
        operation=Operation.objects.get(pk=pack_op.pk), user=planner, now=start + timedelta(minutes=92)
    )
    assert record_actual_labour() == 1
    rates(print_1="99.00")
    assert record_actual_labour() == 0  # recorded once

    cost = LineCost.objects.get(order=order)
    # Printed on printer 1 (30/h, not the cheaper one planned) for 70 min = 35.00; packed in 12 min at
    # 22/h = 4.40: 39.40 for ten bags.
    assert cost.actual_labour_minutes == 82
    assert cost.actual_labour_per_unit == Decimal("3.9400")
    assert cost.actual_labour == [
        {"step": "print", "minutes": 70, "work_center": "print-1", "rate_per_hour": "30.00"},
        {"step": "pack", "minutes": 12, "work_center": "pack", "rate_per_hour": "22.00"},
    ]
    assert cost.labour_per_unit == Decimal("2.9500")  # the plan frozen at purchase is kept beside it


def test_the_task_is_retried_when_the_database_is_busy_and_costs_the_order_when_it_runs_again(
    tote_costs, print_rates, monkeypatch
):
    order = OrderFactory(configured=[TOTE])
    freeze = services.freeze_order_costs

    def busy(**kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(services, "freeze_order_costs", busy)
    with pytest.raises(Retry):  # sent again later, with backoff, up to max_retries
        tasks.freeze_order_costs.apply(args=[order.pk], throw=True)
    assert tasks.freeze_order_costs.max_retries == 5
    assert not LineCost.objects.filter(order=order).exists()

    monkeypatch.setattr(services, "freeze_order_costs", freeze)
    assert tasks.freeze_order_costs.apply(args=[order.pk]).get() == [LineCost.objects.get(order=order).pk]


def test_a_line_kept_incomplete_is_costed_once_its_data_is_mended_and_complete_ones_are_left(print_rates):
    filter_without_cost = stocked()
    order = OrderFactory(configured=[TOTE], lines=[(filter_without_cost, 3)])
    costs = {cost.family_slug: cost for cost in freeze_order_costs(order_id=order.pk)}
    assert costs[""].problem == "the product has no unit cost"
    rates(print_2="60.00")  # the tote's cost stays as bought

    out = StringIO()
    call_command("recost_incomplete_lines", order.number, stdout=out)
    assert out.getvalue() == "0 line(s) costed; 1 still incomplete.\n"

    ProductCost.objects.create(product=filter_without_cost, unit_cost=Decimal("4.10"))
    call_command("recost_incomplete_lines", stdout=out)

    assert out.getvalue().endswith("1 line(s) costed; 0 still incomplete.\n")
    stocked_cost = LineCost.objects.get(order=order, family_slug="")
    assert (stocked_cost.materials_per_unit, stocked_cost.problem) == (Decimal("4.1000"), "")
    tote = LineCost.objects.get(order=order, family_slug="printed-tote")
    assert (tote.pk, tote.labour_per_unit) == (costs["printed-tote"].pk, Decimal("2.9500"))
