"""The referral bonus after a friend's first paid order: the part the composition root does.

Loyalty decides and credits (`loyalty.services.referrals.reward_referral`); whether the friend
paid with the referrer's card is the payment side's knowledge (Stripe's card fingerprints), so
it is looked up here and handed over. Only the referrer's most recent paid orders are asked
about: a member's cards of years ago are not worth a Stripe call each.
"""

from oscar.core.loading import get_model

from atelier.orders import PURCHASED
from loyalty.selectors.referrals import pending_referral
from loyalty.services import referrals

from .payments.cards import card_fingerprints

Order = get_model("order", "Order")
REFERRER_ORDERS_ASKED = 10


def reward_first_paid_order(order_id):
    """Decide the pending referral of the order's customer, if any, with the card fingerprints of
    this order and of the referrer's recent paid orders. Idempotent (loyalty's row decides once).
    Raises GatewayUnavailable when Stripe cannot be asked: the task retries, and the reconciler
    finds the referral still pending."""
    order = Order.objects.filter(pk=order_id).first()
    if order is None or order.user_id is None:
        return None
    referral = pending_referral(friend_id=order.user_id)
    if referral is None:
        return None
    referrer_orders = Order.objects.filter(user_id=referral.referrer_id, status__in=PURCHASED).order_by("-date_placed")[
        :REFERRER_ORDERS_ASKED
    ]
    return referrals.reward_referral(
        order_id=order.pk,
        friend_cards=card_fingerprints([order]),
        referrer_cards=card_fingerprints(referrer_orders),
    )
