"""The ledger through its services: earning, vesting, expiry, refunds, adjustments, bad input."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from loyalty.ledger import PointsRefused
from loyalty.models import Adjustment, Campaign, LedgerEntry, PendingEarn, PointsLot
from loyalty.selectors.audiences import expiring_points
from loyalty.services import earning, referrals, refunds, staff, vesting
from tests.factories import CustomerFactory, OrderFactory
from tests.loyalty.conftest import balances, ledger_rows

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def plain_rules(rules):
    """1 point per £, first-order bonus 200, no campaign running: numbers a reader can check."""
    Campaign.objects.update(active=False)
    rules.points_per_unit, rules.first_order_bonus, rules.pending_days = Decimal("1"), 200, 14
    rules.save()
    return rules


def test_paid_order_earns_pending_points_and_a_first_order_bonus(shopper, paid_order):
    earning.earn_for_order(order_id=paid_order.pk)

    assert balances(shopper) == (200, 100)
    assert ledger_rows(shopper) == [("earn", "pending", 100), ("earn", "available", 200)]
    entry = LedgerEntry.objects.get(idempotency_key=f"earn:order:{paid_order.number}")
    assert (entry.source, entry.reason) == ("order", f"Order {paid_order.number}")


def test_replayed_order_paid_changes_nothing(shopper, paid_order):
    earning.earn_for_order(order_id=paid_order.pk)
    before = ledger_rows(shopper)

    earning.earn_for_order(order_id=paid_order.pk)

    assert ledger_rows(shopper) == before
    assert balances(shopper) == (200, 100)


def test_second_order_gets_no_first_order_bonus(shopper, paid_order):
    earning.earn_for_order(order_id=paid_order.pk)
    earning.earn_for_order(order_id=OrderFactory(user=shopper, total="50.00").pk)
    assert balances(shopper) == (200, 150)


def test_guest_order_earns_nothing(paid_order):
    paid_order.user = None
    paid_order.save()
    assert earning.earn_for_order(order_id=paid_order.pk) is None
    assert not LedgerEntry.objects.filter(reference=paid_order.number).exists()


def test_category_multiplier_and_campaign_multiply(shopper, paid_order, plain_rules):
    from loyalty.models import EarnMultiplier

    product_class = paid_order.lines.get().product.product_class
    EarnMultiplier.objects.create(product_class=product_class, multiplier=Decimal("1.5"))
    Campaign.objects.create(
        name="Double", starts_on=date.today() - timedelta(1), ends_on=date.today() + timedelta(1),
        multiplier=Decimal("2"), bonus_points=10,
    )  # fmt: skip
    earning.earn_for_order(order_id=paid_order.pk)
    assert balances(shopper) == (200, 310)  # 100 × 1.5 × 2 + 10 bonus


def test_points_become_available_on_delivery_then_expire_oldest_first(shopper, paid_order, plain_rules):
    earning.earn_for_order(order_id=paid_order.pk)
    vesting.vest_order(order_number=paid_order.number)
    vesting.vest_order(order_number=paid_order.number)  # a second delivery signal: nothing more
    assert balances(shopper) == (300, 0)

    far = date.today() + timedelta(days=400)
    expires_on = PointsLot.objects.get(account__user=shopper, points=200).expires_on
    assert [row for row in expiring_points(within_days=400) if row["user_id"] == shopper.pk] == [
        {"user_id": shopper.pk, "expires_on": expires_on, "points": 300}
    ]
    vesting.expire_due(today=far)
    vesting.expire_due(today=far)
    assert balances(shopper) == (0, 0)
    assert [row for row in ledger_rows(shopper) if row[0] == "expire"] == [
        ("expire", "available", -200), ("expire", "available", -100),
    ]  # fmt: skip


def test_pending_points_vest_after_the_waiting_period(shopper, paid_order):
    earning.earn_for_order(order_id=paid_order.pk)
    vesting.vest_due(today=date.today() + timedelta(days=13))
    assert balances(shopper) == (200, 100)
    vesting.vest_due(today=date.today() + timedelta(days=14))
    assert balances(shopper) == (300, 0)


def test_refund_reverses_in_proportion_and_a_replay_changes_nothing(shopper, paid_order):
    earning.earn_for_order(order_id=paid_order.pk)

    refunds.reverse_for_refund(order_id=paid_order.pk, amount=Decimal("25.00"), refund_reference="re_1")
    refunds.reverse_for_refund(order_id=paid_order.pk, amount=Decimal("25.00"), refund_reference="re_1")
    assert balances(shopper) == (200, 75)

    refunds.reverse_for_refund(order_id=paid_order.pk, amount=Decimal("75.00"), refund_reference="re_2")
    assert balances(shopper) == (200, 0)
    assert PendingEarn.objects.get(order_number=paid_order.number).reversed_points == 100


def test_refund_after_points_were_spent_never_goes_below_zero(shopper, paid_order, admin_user):
    earning.earn_for_order(order_id=paid_order.pk)
    vesting.vest_order(order_number=paid_order.number)
    staff.adjust_points(user_id=shopper.pk, points=-250, reason="Spent in shop", staff=admin_user)
    assert balances(shopper) == (50, 0)

    refunds.reverse_for_refund(order_id=paid_order.pk, amount=Decimal("100.00"), refund_reference="re_full")

    assert balances(shopper) == (0, 0)
    entry = LedgerEntry.objects.get(idempotency_key=f"reverse:order:{paid_order.number}:re_full")
    assert entry.points == -50
    assert "50 already spent" in entry.reason


@pytest.mark.parametrize("points", [-5, "1.5", 2.5, "abc", True, 0, "NaN"])
def test_bad_points_are_refused_and_the_ledger_is_unchanged(shopper, points):
    before = ledger_rows(shopper)
    with pytest.raises(PointsRefused):
        earning.award_bonus(user_id=shopper.pk, source="review", points=points, reason="x", key="k1")
    assert ledger_rows(shopper) == before


def test_adjustment_without_a_reason_is_refused(shopper, admin_user):
    for reason in ("", "   ", None):
        with pytest.raises(PointsRefused, match="A reason is required"):
            staff.adjust_points(user_id=shopper.pk, points=100, reason=reason, staff=admin_user)
    assert ledger_rows(shopper) == []


def test_adjustment_is_audited_and_cannot_overdraw(shopper, admin_user):
    entry = staff.adjust_points(user_id=shopper.pk, points=100, reason="Goodwill", staff=admin_user, token="t1")
    again = staff.adjust_points(user_id=shopper.pk, points=100, reason="Goodwill", staff=admin_user, token="t1")
    assert again.pk == entry.pk
    assert Adjustment.objects.get(entry=entry).staff == admin_user
    with pytest.raises(PointsRefused, match="Only 100 points are available"):
        staff.adjust_points(user_id=shopper.pk, points=-101, reason="Too much", staff=admin_user)
    with pytest.raises(PointsRefused, match="whole number"):
        staff.adjust_points(user_id=shopper.pk, points="10.5", reason="Half", staff=admin_user)
    assert balances(shopper) == (100, 0)
    assert ledger_rows(shopper) == [("adjust", "available", 100)]


def test_ledger_rows_cannot_be_edited(shopper, admin_user):
    entry = staff.adjust_points(user_id=shopper.pk, points=10, reason="Goodwill", staff=admin_user)
    entry.points = 1000
    with pytest.raises(Exception, match="append-only"):
        entry.save()


def test_database_refuses_a_negative_balance(shopper, admin_user):
    staff.adjust_points(user_id=shopper.pk, points=10, reason="Goodwill", staff=admin_user)
    with pytest.raises(IntegrityError), transaction.atomic():
        type(shopper).objects.get(pk=shopper.pk).loyalty_account.__class__.objects.filter(user=shopper).update(
            available=-1
        )


def test_overlapping_conflicting_campaigns_are_refused():
    today = date.today()
    staff.save_campaign(
        campaign=Campaign(name="A", starts_on=today, ends_on=today + timedelta(10), multiplier=Decimal("2"))
    )
    clash = Campaign(name="B", starts_on=today + timedelta(5), ends_on=today + timedelta(20), multiplier=Decimal("3"))
    with pytest.raises(Exception, match="Overlaps “A”"):
        staff.save_campaign(campaign=clash)
    assert list(Campaign.objects.filter(active=True).values_list("name", flat=True)) == ["A"]
    # Same rules overlapping, or a different scope, is no conflict.
    staff.save_campaign(
        campaign=Campaign(name="A too", starts_on=today + timedelta(5), ends_on=today + timedelta(9),
                          multiplier=Decimal("2"))
    )  # fmt: skip


def test_birthday_bonus_once_a_year(shopper, rules):
    shopper.birth_date = date(1990, 3, 14)
    shopper.save()
    assert earning.award_birthday_bonuses(today=date(2026, 3, 14)) == 1
    assert earning.award_birthday_bonuses(today=date(2026, 3, 14)) == 0
    assert balances(shopper) == (rules.birthday_bonus, 0)


def test_referral_rewards_both_after_the_friends_first_paid_order(shopper, rules):
    friend = CustomerFactory()
    referrals.register_referral(referrer=shopper, friend=friend)
    for order in (OrderFactory(user=friend, total="10.00"), OrderFactory(user=friend, total="10.00")):
        # What the paid-order composition runs for each paid order (portal/events.order_paid).
        earning.earn_for_order(order_id=order.pk)
        referrals.reward_referral(order_id=order.pk)
    assert balances(shopper)[0] == rules.referral_bonus_referrer
    assert balances(friend)[0] == rules.first_order_bonus + rules.referral_bonus_friend
    with pytest.raises(PointsRefused):
        referrals.register_referral(referrer=shopper, friend=shopper)


def test_review_bonus_once_per_review(shopper, rules):
    earning.award_review_bonus(user_id=shopper.pk, review_id=7)
    earning.award_review_bonus(user_id=shopper.pk, review_id=7)
    assert balances(shopper) == (rules.review_bonus, 0)
