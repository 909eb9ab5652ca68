"""Celery tasks of the loyalty programme: take ids, call a service. All idempotent, on the default queue."""

from decimal import Decimal

from celery import shared_task

from . import recompute
from .selectors.orders import cancelled_order
from .services import earning, holds, order_notes, refunds, vesting


@shared_task
def earn_for_paid_order(order_id, number):
    """The checkout's points hold spent and the order's points recorded (portal/events.order_paid,
    and the `points` reconciler for one whose task was lost). A failure is noted on the order
    once, for staff, and raised: the reconciler sends it again on its next run.

    An order cancelled before this ran (a busy worker) earns nothing and spends nothing: the
    cancellation released its held points and its refund found nothing to take back."""
    if cancelled_order(order_id=order_id):
        return
    try:
        holds.spend_hold(order_number=number)
        earning.earn_for_order(order_id=order_id)
    except Exception as error:
        order_notes.note_job_failure(number, "recording the points it earned", error)
        raise


@shared_task
def reverse_for_refund(order_id, amount, refund_reference):
    refunds.reverse_for_refund(order_id=order_id, amount=Decimal(str(amount)), refund_reference=refund_reference)


@shared_task
def release_points_for_order(number, why):
    holds.release_for_order(order_number=number, why=why)


@shared_task
def vest_delivered_order(number):
    vesting.vest_order(order_number=number)


@shared_task
def vest_due_points():
    return vesting.vest_due()


@shared_task
def expire_due_points():
    return vesting.expire_due()


@shared_task
def award_birthday_bonuses():
    return earning.award_birthday_bonuses()


@shared_task
def award_review_bonus(user_id, review_id):
    earning.award_review_bonus(user_id=user_id, review_id=review_id)


@shared_task
def nightly_recompute():
    """Tiers (with the grace period and notifications) and RFM segments for every customer."""
    return recompute.recompute_all().as_dict()


@shared_task
def release_stale_holds():
    return holds.release_stale_holds()
