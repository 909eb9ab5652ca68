"""Celery tasks of the analytics app: take ids, call a service. Idempotent, on the default queue."""

from celery import shared_task
from django.db import DatabaseError

from . import reclassify, rollup, services


@shared_task(
    name="analytics.tasks.freeze_order_costs",
    autoretry_for=(DatabaseError,),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=5,
)
def freeze_order_costs(order_id):
    """The unit cost of each line of a paid order, frozen (portal/events.order_paid, and the
    `line-costs` reconciler for one whose task was lost). A database that is locked or gone
    away is retried with backoff; the lines already costed are skipped on the retry."""
    return [cost.pk for cost in services.freeze_order_costs(order_id=order_id)]


@shared_task(name="analytics.tasks.record_actual_labour")
def record_actual_labour():
    """Beat, hourly: the actual labour of the lines whose work order has finished."""
    return services.record_actual_labour()


@shared_task(name="analytics.tasks.reclassify_customers")
def reclassify_customers():
    """Beat, nightly after loyalty's recompute (and the dashboard's "recompute now"): every
    customer's value class. Idempotent: a run that finds nothing changed writes nothing."""
    return reclassify.reclassify_customers().as_dict()


@shared_task(name="analytics.tasks.roll_up_margins")
def roll_up_margins():
    """Beat, nightly: the margin dashboard's roll-ups brought up to yesterday, the days touched
    since the last run rebuilt (analytics/rollup.py). Idempotent; a day that fails is left to the
    raw pages and tried again the next night."""
    result = rollup.roll_up()
    return {"days": result.days, "failed": result.failed, "seconds": round(result.seconds, 2)}
