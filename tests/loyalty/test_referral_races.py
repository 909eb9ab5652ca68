"""A friend's two paid orders deciding the referral at once, and the refund racing the decision:
real threads, real PostgreSQL row locks. The bonus is credited once, to each side."""

from decimal import Decimal

import pytest
from django.db import connection

from loyalty.models import LedgerEntry, Referral
from loyalty.services import referrals, refunds
from tests.factories import CustomerFactory, OrderFactory
from tests.helpers import at_once

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's row locks and real concurrency"),
]


def bonus_rows(user, kind="earn"):
    return LedgerEntry.objects.filter(account__user=user, source="referral", kind=kind).count()


def test_decisions_at_once_reward_each_side_once(committed_demo_shop):
    referrer, friend = CustomerFactory(), CustomerFactory()
    referrals.register_referral(referrer=referrer, friend=friend)
    orders = [OrderFactory(user=friend, total="30.00") for _ in range(2)]

    outcomes = at_once(lambda order: referrals.reward_referral(order_id=order.pk), orders * 4)

    assert not [o for o in outcomes if isinstance(o, Exception)]
    assert Referral.objects.get(friend=friend).status == Referral.Status.REWARDED
    assert (bonus_rows(referrer), bonus_rows(friend)) == (1, 1)


def test_two_friends_of_one_member_completing_at_once_do_not_deadlock(committed_demo_shop):
    referrer = CustomerFactory()
    friends = [CustomerFactory() for _ in range(6)]
    for friend in friends:
        referrals.register_referral(referrer=referrer, friend=friend)
    orders = [OrderFactory(user=friend, total="30.00") for friend in friends]

    outcomes = at_once(lambda order: referrals.reward_referral(order_id=order.pk), orders)

    assert not [o for o in outcomes if isinstance(o, Exception)]
    assert bonus_rows(referrer) == 6


def test_replayed_full_refunds_at_once_take_the_bonus_back_once(committed_demo_shop):
    referrer, friend = CustomerFactory(), CustomerFactory()
    referrals.register_referral(referrer=referrer, friend=friend)
    order = OrderFactory(user=friend, total="30.00")
    referrals.reward_referral(order_id=order.pk)

    outcomes = at_once(
        lambda _: refunds.reverse_for_refund(order_id=order.pk, amount=Decimal("30.00"), refund_reference="re_1"),
        range(4),
    )

    assert not [o for o in outcomes if isinstance(o, Exception)]
    assert (bonus_rows(referrer, "reverse"), bonus_rows(friend, "reverse")) == (1, 1)
