"""Celery tasks of the production app: take ids, call a service. Routed to the `scheduling` queue
(portal/settings: "production.*"), except the traveler batch, which renders PDFs on `documents`.
Paid orders whose release was lost are found by portal/reconcile.py (`orders_missing_work_orders`)."""

from celery import shared_task

from . import travelers
from .models import Plant
from .services.release import release_order_to_production
from .services.replanning import replan


@shared_task(name="production.tasks.release_paid_order")
def release_paid_order(order_id, customer_weight=1):
    """Work orders for a paid order, then a re-plan. Safe to run twice: the second creates nothing."""
    created = release_order_to_production(order_id=order_id, customer_weight=customer_weight)
    if created:
        replan(plant=created[0].plant, trigger=f"order {created[0].order.number} paid")
    return [work_order.pk for work_order in created]


@shared_task(name="production.tasks.replan_plant")
def replan_plant(plant_id=None, trigger="scheduled re-plan"):
    plant = Plant.objects.filter(pk=plant_id).first() if plant_id else None
    replan(plant=plant, trigger=trigger)


@shared_task(name="production.tasks.print_travelers")
def print_travelers(batch_id):
    travelers.render_batch(batch_id=batch_id)
