"""The loyalty programme's beat jobs take each order, lot, hold or customer on its own: one bad
row is logged (and noted on its order once, where there is one) and the others are processed."""

import logging
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import DatabaseError
from django.utils import timezone
from oscar.core.loading import get_model

from loyalty import tasks
from loyalty.models import Campaign, LedgerEntry, LoyaltyAccount, PendingEarn, PointsHold
from loyalty.services import earning, vesting
from portal import reconcile
from tests.factories import CustomerFactory, OrderFactory
from tests.loyalty.conftest import balances

pytestmark = pytest.mark.django_db
Order = get_model("order", "Order")


@pytest.fixture(autouse=True)
def plain_rules(rules):
    Campaign.objects.update(active=False)
    rules.points_per_unit, rules.first_order_bonus, rules.pending_days = Decimal("1"), 200, 14
    rules.birthday_bonus = 50
    rules.save()
    return rules


@pytest.fixture
def other():
    return CustomerFactory()


def warnings_on(order):
    return list(Order.objects.get(pk=order.pk).notes.filter(note_type="Warning").values_list("message", flat=True))


def test_one_order_whose_points_cannot_vest_does_not_stop_the_others(shopper, other):
    stuck, fine = OrderFactory(user=shopper, total="100.00"), OrderFactory(user=other, total="100.00")
    for order in (stuck, fine):
        earning.earn_for_order(order_id=order.pk)
    LoyaltyAccount.objects.filter(user=shopper).update(pending=0)  # the balance drifted from its pending earn
    later = date.today() + timedelta(days=14)

    vesting.vest_due(today=later)
    assert vesting.vest_due(today=later) == 0

    assert balances(other) == (300, 0)
    assert PendingEarn.objects.get(order_number=stuck.number).vested is False
    assert warnings_on(stuck) == [
        "The loyalty programme failed making its pending points available: PointsRefused: "
        "Only 0 pending points: cannot take 100."
    ]


def test_one_lot_that_cannot_expire_does_not_stop_the_others(shopper, other, caplog):
    for user in (shopper, other):
        order = OrderFactory(user=user, total="100.00")
        earning.earn_for_order(order_id=order.pk)
        vesting.vest_order(order_number=order.number)
    LoyaltyAccount.objects.filter(user=shopper).update(available=0)  # drifted from its lots

    with caplog.at_level(logging.ERROR, logger="loyalty.services"):
        vesting.expire_due(today=date.today() + timedelta(days=800))

    assert balances(other) == (0, 0)
    assert LedgerEntry.objects.filter(account__user=other, kind="expire").count() == 2
    assert LedgerEntry.objects.filter(account__user=shopper, kind="expire").count() == 0
    assert caplog.text.count("Expiring points lot") == 2


def test_one_stale_hold_that_cannot_be_released_does_not_stop_the_others(shopper, other, caplog):
    broken = PointsHold.objects.create(
        account=LoyaltyAccount.objects.create(user=shopper), basket_id=9001, points=100, amount=Decimal("1.00"),
        lots=[[987654321, 100]],  # a lot that no longer exists
    )  # fmt: skip
    fine = PointsHold.objects.create(
        account=LoyaltyAccount.objects.create(user=other), basket_id=9002, points=100, amount=Decimal("1.00")
    )
    PointsHold.objects.filter(pk__in=[broken.pk, fine.pk]).update(created=timezone.now() - timedelta(hours=3))

    with caplog.at_level(logging.ERROR, logger="loyalty.services"):
        assert tasks.release_stale_holds() == 1

    assert PointsHold.objects.get(pk=fine.pk).status == "released"
    assert balances(other) == (100, 0)
    assert PointsHold.objects.get(pk=broken.pk).status == "held"
    assert f"Releasing stale points hold {broken.pk}" in caplog.text


def test_one_birthday_that_fails_does_not_stop_the_others(shopper, other, monkeypatch, caplog):
    today = date.today()
    get_user_model().objects.filter(pk__in=[shopper.pk, other.pk]).update(birth_date=date(1990, today.month, today.day))
    award = earning.award_bonus

    def award_unless_the_first(*, user_id, **kwargs):
        if user_id == shopper.pk:
            raise DatabaseError("could not serialize access")  # this customer's row, this once
        return award(user_id=user_id, **kwargs)

    monkeypatch.setattr(earning, "award_bonus", award_unless_the_first)

    with caplog.at_level(logging.ERROR, logger="loyalty.services"):
        awarded = earning.award_birthday_bonuses(today=today)

    assert awarded >= 1
    assert balances(other) == (50, 0)
    assert not LoyaltyAccount.objects.filter(user=shopper, available__gt=0).exists()
    assert f"Birthday points for customer {shopper.pk} failed" in caplog.text


def test_one_order_whose_points_cannot_be_recorded_does_not_stop_the_reconciler(shopper, other):
    # Their points tasks were lost.
    stuck, fine = OrderFactory(user=shopper, total="100.00"), OrderFactory(user=other, total="100.00")
    # A first-order bonus already in the ledger for an order whose record is gone: earning collides with it.
    earning.award_bonus(user_id=shopper.pk, source="order", points=5, reason="x", key=f"bonus:first-order:{shopper.pk}")

    points = reconcile.by_name("points")
    reconcile.run_one(points)
    reconcile.run_one(points)

    assert PendingEarn.objects.filter(order_number=fine.number).exists()
    assert balances(other) == (200, 100)
    assert not PendingEarn.objects.filter(order_number=stuck.number).exists()
    [note] = warnings_on(stuck)
    assert note.startswith("The loyalty programme failed recording the points it earned: IntegrityError")
