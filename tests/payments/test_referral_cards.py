"""The referral decided by a friend's first paid order, with the card fingerprints Stripe gives
(the fake Stripe server over HTTP); in demo mode there are none and the address alone is checked."""

import pytest
from oscar.core.loading import get_model

from loyalty.models import Referral
from loyalty.services import referrals
from portal import events
from portal import referrals as portal_referrals
from portal.payments.cards import card_fingerprint
from tests.factories import CustomerFactory, OrderFactory

pytestmark = pytest.mark.django_db
Source = get_model("payment", "Source")
SourceType = get_model("payment", "SourceType")
Status = Referral.Status


def paid_on_stripe(stripe_client, order, payment_method):
    """The order paid through a confirmed PaymentIntent with this card, recorded as checkout does."""
    intent = stripe_client.v1.payment_intents.create(
        params={
            "amount": int(order.total_incl_tax * 100),
            "currency": "gbp",
            "payment_method": payment_method,
            "payment_method_types": ["card"],
            "confirm": True,
            "metadata": {"order_number": order.number},
        }
    )
    assert intent.status == "succeeded"
    Source.objects.create(
        order=order,
        source_type=SourceType.objects.get_or_create(name="Stripe")[0],
        currency="GBP",
        amount_allocated=order.total_incl_tax,
        amount_debited=order.total_incl_tax,
        reference=intent.id,
    )
    return order


@pytest.fixture
def pair(db):
    referrer, friend = CustomerFactory(), CustomerFactory()
    referrals.register_referral(referrer=referrer, friend=friend)
    return referrer, friend


def test_same_card_as_the_referrers_is_refused(stripe_mode, stripe_client, pair):
    referrer, friend = pair
    paid_on_stripe(stripe_client, OrderFactory(user=referrer, total="30.00", paid=False), "pm_card_visa")
    order = paid_on_stripe(stripe_client, OrderFactory(user=friend, total="40.00", paid=False), "pm_card_visa")

    decided = portal_referrals.reward_first_paid_order(order.pk)

    assert decided.status == Status.REFUSED
    assert decided.reason == f"{referrals.SAME_CARD} (order {order.number})"


def test_another_card_is_rewarded(stripe_mode, stripe_client, pair):
    referrer, friend = pair
    paid_on_stripe(stripe_client, OrderFactory(user=referrer, total="30.00", paid=False), "pm_card_visa")
    order = paid_on_stripe(stripe_client, OrderFactory(user=friend, total="40.00", paid=False), "pm_card_mastercard")

    assert portal_referrals.reward_first_paid_order(order.pk).status == Status.REWARDED


def test_the_fingerprint_is_the_cards_not_the_payments(stripe_mode, stripe_client):
    one = paid_on_stripe(stripe_client, OrderFactory(total="10.00", paid=False), "pm_card_visa")
    two = paid_on_stripe(stripe_client, OrderFactory(total="12.00", paid=False), "pm_card_visa")
    three = paid_on_stripe(stripe_client, OrderFactory(total="12.00", paid=False), "pm_card_amex")
    assert card_fingerprint(one) == card_fingerprint(two) != card_fingerprint(three) != ""


def test_demo_payments_have_no_fingerprint_and_the_order_paid_decides(
    demo_mode, pair, django_capture_on_commit_callbacks
):
    friend = pair[1]
    order = OrderFactory(user=friend, total="40.00")
    assert card_fingerprint(order) == ""
    with django_capture_on_commit_callbacks(execute=True):
        events.order_paid(order)
    assert Referral.objects.get(friend=friend).status == Status.REWARDED
