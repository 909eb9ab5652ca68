"""Celery tasks of the wallet: take ids, call a service. All idempotent, on the default queue."""

from celery import shared_task

from loyalty.selectors.orders import cancelled_order
from loyalty.services.order_notes import note_job_failure

from .services import cards, checkout, refunds


@shared_task
def settle_paid_order(order_id, number):
    """The order is paid (portal/events.order_paid): its gift card holds spent, the gift cards it
    bought issued and, if due, sent. An order cancelled before this ran spends and issues nothing
    (its cancellation released the holds). A failure is noted on the order once and raised."""
    if cancelled_order(order_id=order_id):
        return
    try:
        checkout.spend_for_order(order_number=number)
        purchases = cards.issue_cards_for_order(order_id=order_id)
    except Exception as error:
        note_job_failure(number, "settling its gift cards and store credit", error)
        raise
    if purchases:
        send_due_gift_cards.delay()


@shared_task
def release_for_order(number, why):
    """Payment failed: the order's held gift card money goes back (taken again on the pay page)."""
    checkout.release_for_order(order_number=number, why=why)


def redo_return(number):
    """The reconciler's redo for a closed order whose money was never given back."""
    return_for_closed_order.delay(number, f"Order {number}: closed")


@shared_task
def return_for_closed_order(number, why):
    """Cancelled or refunded in full: held money released, spent money given back to where it came from."""
    checkout.release_for_order(order_number=number, why=why)
    refunds.return_for_order(order_number=number, why=why, reference=f"closed:{number}")


@shared_task
def send_due_gift_cards():
    """Beat (and after a paid order): the gift cards due today are e-mailed, each once."""
    return cards.send_due_gift_cards()


@shared_task
def release_stale_holds():
    """Beat: money held for baskets that never became orders goes back."""
    return checkout.release_stale_holds()
