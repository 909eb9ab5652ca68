"""Demo factory: one plant, its calendars and work centers, routings for the demo families, and
two paid orders whose configured lines are released to production and planned."""

from datetime import date, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import F, Max
from oscar.core.loading import get_model

from atelier.orders import OrderStatus
from loyalty.selectors.accounts import production_weight
from production.models import (
    Break,
    Calendar,
    Holiday,
    Plant,
    RoutingStep,
    RoutingTemplate,
    Shift,
    WorkCenter,
    WorkOrder,
)
from production.selectors.release import orders_missing_work_orders
from production.services.release import release_order_to_production
from production.services.replanning import replan

from .orders import DemoOrder, _date_back, _place, _record_confirmation, record_payment
from .people import PLANNERS

Order = get_model("order", "Order")

WEEKDAYS = range(5)
CALENDARS = {
    # name: (shifts per weekday, breaks)
    "Day shift": ([(time(7), time(15, 30))], [(time(11, 30), time(12))]),
    "Two shifts": ([(time(6), time(14)), (time(14), time(22))], [(time(10), time(10, 20)), (time(18), time(18, 20))]),
}
HOLIDAYS = [(date(2026, 12, 25), "Christmas Day"), (date(2026, 12, 28), "Boxing Day (substitute)"),
            (date(2027, 1, 1), "New Year's Day")]  # fmt: skip

# code, name, capacity, calendar, rate per hour (GBP: people and machine, for margins)
WORK_CENTERS = [
    ("cut", "CNC cutting", 1, "Day shift", "48.00"),
    ("paint", "Powder coating", 1, "Day shift", "42.00"),
    ("door-1", "Door assembly 1", 1, "Day shift", "34.00"),
    ("door-2", "Door assembly 2", 1, "Day shift", "31.00"),
    ("frame", "Frame and foam", 1, "Day shift", "32.00"),
    ("sew", "Sewing", 1, "Day shift", "28.00"),
    ("uph-1", "Upholstery 1", 1, "Day shift", "33.00"),
    ("uph-2", "Upholstery 2", 1, "Day shift", "33.00"),
    ("print-1", "DTG printer 1", 1, "Two shifts", "26.00"),
    ("print-2", "DTG printer 2", 1, "Two shifts", "24.00"),
    ("pack", "Inspection and packing", 2, "Day shift", "22.00"),
]

FRIDGE_STEPS = [
    # sequence, code, name, minutes, setup, per_piece, work centers, after, rules
    (10, "cabinet", "Cut cabinet panels", 90, 10, 0, ["cut"], [], []),
    (20, "coat", "Powder-coat finish", 60, 15, 0, ["paint"], ["cabinet"],
     [{"option": "finish", "equals": "steel", "minutes": 30}]),
    (30, "doors", "Door assembly", 75, 0, 0, ["door-1", "door-2"], ["coat"],
     [{"option": "hinge", "equals": "left", "setup": 20}, {"option": "ice_maker", "equals": True, "minutes": 40},
      {"option": "water_kit", "equals": True, "minutes": 20}]),
    (40, "pack", "Test, inspect and pack", 45, 0, 0, ["pack"], ["doors"], []),
]  # fmt: skip
SOFA_STEPS = [
    (10, "frame", "Build frame and foam", 120, 0, 0, ["frame"], [], [{"option": "modules", "per_unit": 20}]),
    (20, "cut-fabric", "Cut fabric", 30, 10, 0, ["cut"], [], [{"option": "modules", "per_unit": 10}]),
    (30, "sew", "Sew covers", 45, 0, 0, ["sew"], ["cut-fabric"], [{"option": "modules", "per_unit": 20}]),
    (40, "upholster", "Upholster", 30, 0, 0, ["uph-1", "uph-2"], ["frame", "sew"],
     [{"option": "modules", "per_unit": 45}, {"option": "chaise", "equals": "left", "minutes": 60},
      {"option": "chaise", "equals": "right", "minutes": 60}]),
    (50, "pack", "Inspect and wrap", 40, 0, 0, ["pack"], ["upholster"], []),
]  # fmt: skip
PRINT_STEPS = [
    (10, "print", "Print run", 10, 20, 3, ["print-1", "print-2"], [],
     [{"option": "ink", "equals": "gold", "setup": 15}]),
    (20, "pack", "Fold and pack", 5, 0, 1, ["pack"], ["print"], []),
]  # fmt: skip
ROUTINGS = [
    ("atelier-fridge", "Fridge", FRIDGE_STEPS),
    ("modular-sofa", "Modular sofa", SOFA_STEPS),
    ("printed-tee", "Printed T-shirt", PRINT_STEPS),
    ("printed-tote", "Printed tote", PRINT_STEPS),
]

SOFA = ("modular-sofa", {"modules": 3, "width": 220, "depth": 95, "chaise": "right", "fabric": "moss"})
FRIDGE = ("atelier-fridge", {"hinge": "left", "finish": "sage", "ice_maker": True, "water_kit": True})
TEE = ("printed-tee", {"colour": "sage", "print_text": "Leeds half marathon crew", "ink": "white"})
# Paid this week: released to production and planned by this module.
PAID_ORDERS = [
    DemoOrder("DEMO-2001", "ada@example.com", 2, (("ATL-FRIDGE", 1, FRIDGE),), OrderStatus.PAID, "room-of-choice"),
    DemoOrder("DEMO-2002", "ben@example.com", 1, (("ATL-SOFA", 1, SOFA), ("ATL-TEE", 12, TEE)), OrderStatus.PAID,
              "room-of-choice"),
]  # fmt: skip


def load_factory():
    created = 0
    plant, was_created = Plant.objects.get_or_create(code="sheffield", defaults={"name": "Sheffield workshop"})
    created += was_created
    calendars = {}
    for name, (shifts, breaks) in CALENDARS.items():
        calendar, was_created = Calendar.objects.get_or_create(name=name)
        calendars[name] = calendar
        if was_created:
            created += 1
            Shift.objects.bulk_create(
                Shift(calendar=calendar, weekday=day, start=start, end=end) for day in WEEKDAYS for start, end in shifts
            )
            Break.objects.bulk_create(Break(calendar=calendar, start=start, end=end) for start, end in breaks)
            Holiday.objects.bulk_create(Holiday(calendar=calendar, date=day, name=label) for day, label in HOLIDAYS)
    centers = {}
    for code, name, capacity, calendar, rate in WORK_CENTERS:
        centers[code], was_created = WorkCenter.objects.get_or_create(
            code=code,
            defaults={
                "plant": plant,
                "name": name,
                "capacity": capacity,
                "calendar": calendars[calendar],
                "rate_per_hour": Decimal(rate),
            },
        )
        created += was_created
    for slug, name, steps in ROUTINGS:
        template, was_created = RoutingTemplate.objects.get_or_create(
            family_slug=slug, defaults={"plant": plant, "name": name}
        )
        if not was_created:
            continue
        created += 1
        by_code = {}
        for sequence, code, step_name, minutes, setup, per_piece, codes, after, rules in steps:
            step = RoutingStep.objects.create(
                routing=template, sequence=sequence, code=code, name=step_name, minutes=minutes, setup=setup,
                per_piece=per_piece, rules=rules,
            )  # fmt: skip
            step.work_centers.add(*(centers[c] for c in codes))
            step.after.add(*(by_code[c] for c in after))
            by_code[code] = step
    return created


def load_planner_permission():
    planners = Group.objects.get(name=PLANNERS)
    permission = Permission.objects.get(content_type__app_label="production", codename="plan_production")
    if planners.permissions.filter(pk=permission.pk).exists():
        return 0
    planners.permissions.add(permission)
    return 1


def load_work_orders():
    """Place the week's paid orders and release them to production, as `order_paid` would."""
    created = 0
    for spec in PAID_ORDERS:
        if Order.objects.filter(number=spec.number).exists():
            continue
        with transaction.atomic():
            order = _place(spec, get_user_model().objects.get(email=spec.email))
            record_payment(order)
            _record_confirmation(order)
            _date_back(order, spec)
        created += _release(order.pk, order.user_id)
    # Orders paid earlier but made before the factory was loaded (the cohort history's order of
    # five days ago): released as the `work-orders` reconciler would, so the demo starts whole.
    for order_id, user_id in Order.objects.filter(pk__in=orders_missing_work_orders()).values_list("pk", "user_id"):
        created += _release(order_id, user_id)
    if created:
        replan(trigger="demo orders paid")
        promise_sofa_tighter()
    return created


def _release(order_id, user_id):
    # As portal/receivers.py does for a live order: the customer's tier weighs on the plan.
    weight = production_weight(user_id=user_id)
    return len(release_order_to_production(order_id=order_id, customer_weight=weight))


def promise_sofa_tighter():
    """Ben's sofa promised two hours before the plan can finish it, so the planner's "why late"
    has an order to explain (its upholstery does not fit before the shift ends) and an overtime
    to suggest. The plan's target only: the shopper's promised ship date is left as sold."""
    sofa = WorkOrder.objects.filter(order__number="DEMO-2002", family_slug="modular-sofa").first()
    end = sofa and sofa.operations.aggregate(end=Max("planned_end"))["end"]
    if end is None:
        return 0
    WorkOrder.objects.filter(pk=sofa.pk).update(due_at=end - timedelta(hours=2))
    Plant.objects.filter(pk=sofa.plant_id).update(plan_revision=F("plan_revision") + 1)
    return 1
