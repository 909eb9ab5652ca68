"""What a paid or a refunded order causes: each effect by name, and how it is dispatched.

`order_paid` and `order_refunded` are the facts that cross apps (docs/architecture.md). Each
lists its effects; each effect is a task of the app that owns it, sent after the transaction that
established the fact commits (nothing goes out for a payment that rolled back) and idempotent in
its app, keyed in the database, so one done twice changes nothing.

A broker may refuse a message (Redis down, a full disk under the filesystem broker). That is
logged, naming the order and the effect; the other effects are still sent, and the request or
webhook that recorded the payment is not failed for it. What was not sent is sent again by
portal/reconcile.py, which finds the causes missing an effect (a paid order with no confirmation,
no work orders, no points or no line costs; a refund whose points were not taken back) and
dispatches it with the same function as here.
"""

import logging

from django.db import transaction
from oscar.core.loading import get_model

from analytics import tasks as analytics_tasks
from loyalty import tasks as loyalty_tasks
from loyalty.selectors.accounts import production_weight
from loyalty.selectors.referrals import pending_referral
from loyalty.wallet import tasks as wallet_tasks
from production import tasks as production_tasks

from .documents import tasks as document_tasks

logger = logging.getLogger(__name__)

Order = get_model("order", "Order")


def order_paid(order):
    """The order is paid. After commit:

    - `send_confirmation`: the customer gets the confirmation email, the invoice attached;
    - `release_to_production`: its configured lines become work orders, planned with the
      customer's tier weight;
    - `earn_points`: the points held for its discount are spent and the points it earns recorded;
    - `settle_wallet`: gift card and store credit held for it spent, gift cards it bought issued
      (and sent on their day);
    - `freeze_costs`: each line's unit cost (materials and planned labour) kept as it is today;
    - `reward_referral`: a friend's first paid order decides their referral (both sides' bonus,
      or refused for the referrer's own card or address).
    """
    _after_commit(order, send_confirmation)
    _after_commit(order, release_to_production)
    _after_commit(order, earn_points)
    _after_commit(order, freeze_costs)
    _after_commit(order, settle_wallet)
    _after_commit(order, reward_referral)


def order_refunded(order, amount, refund_reference):
    """Money went back to the customer, part or all. After commit:

    - `refresh_invoice`: the invoice is rendered again with the refund on it;
    - `reverse_points`: loyalty takes back what the refunded share earned and returns the
      share of the points redeemed on it (once per refund reference).
    """
    _after_commit(order, refresh_invoice)
    _after_commit(order, reverse_points, amount, refund_reference)


# --- The effects. Each takes the order's id (what the reconciler finds) and sends one task. ---------


def send_confirmation(order_id):
    """documents: the confirmation email with the invoice (once per order, by its claim row)."""
    document_tasks.send_order_confirmation.delay(order_id)


def release_to_production(order_id):
    """production: work orders for the configured lines (one per line), then a re-plan. The
    customer's tier weighs on the plan; it is read here because production never reads loyalty."""
    user_id = Order.objects.filter(pk=order_id).values_list("user_id", flat=True).first()
    weight = production_weight(user_id=user_id) if user_id else 1
    production_tasks.release_paid_order.delay(order_id, customer_weight=weight)


def earn_points(order_id):
    """loyalty: the checkout's points hold spent, the points earned pending (once per order)."""
    number = Order.objects.filter(pk=order_id).values_list("number", flat=True).first()
    loyalty_tasks.earn_for_paid_order.delay(order_id, number)


def freeze_costs(order_id):
    """analytics: the unit cost of each line, from the family version it was bought on and today's
    work center rates, kept once per line (a later price or rate change leaves it as bought)."""
    analytics_tasks.freeze_order_costs.delay(order_id)


def reward_referral(order_id):
    """loyalty, with the payment's card: the referral of a friend's first paid order decided
    (once per referral). Sent only when the customer has a referral waiting."""
    user_id = Order.objects.filter(pk=order_id).values_list("user_id", flat=True).first()
    if user_id and pending_referral(friend_id=user_id) is not None:
        # Imported here: portal.tasks imports the reconciler, which imports the payment code
        # that imports this module.
        from . import tasks as portal_tasks

        portal_tasks.reward_referral.delay(order_id)


def settle_wallet(order_id):
    """loyalty.wallet: its gift card and store credit holds spent, the gift cards it bought issued and,
    when due, e-mailed (once per order line, by a unique column)."""
    number = Order.objects.filter(pk=order_id).values_list("number", flat=True).first()
    wallet_tasks.settle_paid_order.delay(order_id, number)


def refresh_invoice(order_id):
    """documents: the invoice rendered and kept as it stands now. Nothing reconciles it: a
    download renders an invoice that is not kept yet."""
    document_tasks.render_invoice.delay(order_id)


def reverse_points(order_id, amount, refund_reference):
    """loyalty: the refund's share of points taken back (once per refund reference)."""
    loyalty_tasks.reverse_for_refund.delay(order_id, str(amount), refund_reference)


def _after_commit(order, effect, *args):
    """Send `effect` once the current transaction commits; a refusal is logged, never raised."""
    order_id, number = order.pk, order.number

    def dispatch():
        try:
            effect(order_id, *args)
        except Exception:
            logger.exception(
                "Order %s: %s was not dispatched (portal/reconcile.py finds it missing)", number, effect.__name__
            )

    transaction.on_commit(dispatch)
