"""The nightly recompute: tiers by 12-month spend with a grace period, RFM segments and history."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from oscar.core.loading import get_model

from loyalty import recompute, rfm
from loyalty.models import LoyaltyAccount, SegmentHistory, Tier, TierChange
from loyalty.selectors.accounts import account_summary, ledger_for, production_weight
from loyalty.selectors.audiences import tier_gaps
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db
Order = get_model("order", "Order")
Notification = get_model("communication", "Notification")


def placed(order, days_ago):
    Order.objects.filter(pk=order.pk).update(date_placed=timezone.now() - timedelta(days=days_ago))


def account(user):
    return LoyaltyAccount.objects.select_related("tier").get(user=user)


def test_spend_moves_a_customer_up_and_they_are_told(shopper):
    recompute.recompute_all()
    assert (account(shopper).tier.name, account(shopper).segment) == ("Member", "potential")

    OrderFactory(user=shopper, total="1600.00")
    result = recompute.recompute_all()

    assert result.tier_changes >= 1
    mine = account(shopper)
    assert (mine.tier.name, mine.spend_12m, mine.segment) == ("Gold", Decimal("1600.00"), "new")
    change = TierChange.objects.get(user_id=shopper.pk)
    assert (change.kind, change.to_tier) == ("up", "Gold")
    assert Notification.objects.get(recipient=shopper).subject == "Welcome to Gold"


def test_a_downgrade_waits_for_the_grace_period(shopper, rules):
    order = OrderFactory(user=shopper, total="600.00")
    recompute.recompute_all()
    assert account(shopper).tier.name == "Silver"

    placed(order, 400)  # the spend leaves the 12-month window
    today = timezone.localdate()
    recompute.recompute_all(today=today)
    mine = account(shopper)
    assert (mine.tier.name, mine.downgrade_due_on) == ("Silver", today + timedelta(days=rules.downgrade_grace_days))
    [warning] = Notification.objects.filter(recipient=shopper, subject="Keep your Silver tier")
    assert f"Order by {mine.downgrade_due_on.isoformat()} to keep it" in warning.body
    grace = TierChange.objects.get(user_id=shopper.pk, kind="grace")
    assert (grace.from_tier, grace.to_tier, grace.due_on) == ("Silver", "Member", mine.downgrade_due_on)

    recompute.recompute_all(today=today + timedelta(days=1))  # still in grace: nothing new
    assert Notification.objects.filter(recipient=shopper).count() == 1

    recompute.recompute_all(today=mine.downgrade_due_on)
    mine = account(shopper)
    assert (mine.tier.name, mine.downgrade_due_on) == ("Member", None)
    assert Notification.objects.filter(recipient=shopper, subject="Your tier is now Member").count() == 1


def test_segments_and_their_history(shopper):
    for days in (5, 20, 40, 60, 80):
        placed(OrderFactory(user=shopper, total="300.00"), days)
    recompute.recompute_all()
    assert account(shopper).segment == "champions"
    [row] = SegmentHistory.objects.filter(user_id=shopper.pk)
    assert (row.segment, row.frequency, row.rfm) == ("champions", 5, "544")

    recompute.recompute_all()  # same night again: no new history
    assert SegmentHistory.objects.filter(user_id=shopper.pk).count() == 1


def test_set_based_and_per_customer_paths_agree(shopper):
    placed(OrderFactory(user=shopper, total="250.00"), 200)
    placed(OrderFactory(user=shopper, total="250.00"), 300)
    recompute.recompute_all()
    set_based = account(shopper)
    LoyaltyAccount.objects.filter(user=shopper).update(segment="new", spend_12m=0)
    per_customer = recompute.recompute_customer(user_id=shopper.pk)
    assert (per_customer.segment, per_customer.spend_12m, per_customer.tier_id) == (
        set_based.segment, set_based.spend_12m, set_based.tier_id,
    )  # fmt: skip
    assert set_based.segment == "at_risk"


def test_rfm_rules():
    assert rfm.segment(orders=0, days_since_last=0, days_since_first=0, spend_12m=0)[0] == "potential"
    assert rfm.segment(orders=1, days_since_last=3, days_since_first=3, spend_12m=50)[0] == "new"
    assert rfm.segment(orders=1, days_since_last=100, days_since_first=100, spend_12m=50)[0] == "ordinary"


def test_selectors_for_the_hub_and_reminders(shopper):
    OrderFactory(user=shopper, total="450.00")
    recompute.recompute_all()
    summary = account_summary(user=shopper)
    assert (summary.tier, summary.next_tier, summary.spend_to_next) == ("Member", "Silver", Decimal("50.00"))
    assert summary.progress == pytest.approx(0.9)
    gaps = [row for row in tier_gaps(within_amount=100) if row["user_id"] == shopper.pk]
    assert gaps == [{"user_id": shopper.pk, "next_tier": "Silver", "amount_short": Decimal("50.00")}]
    assert production_weight(user_id=shopper.pk) == 1
    LoyaltyAccount.objects.filter(user=shopper).update(tier=Tier.objects.get(code="platinum"))
    assert production_weight(user_id=shopper.pk) == 5
    assert production_weight(user_id=999_999) == 1


def test_summary_for_someone_without_an_account_writes_nothing(shopper):
    summary = account_summary(user=shopper)
    assert (summary.available, summary.tier, summary.next_tier) == (0, "Member", "Silver")
    assert not LoyaltyAccount.objects.filter(user=shopper).exists()
    assert list(ledger_for(user=shopper)) == []


def test_both_paths_tell_a_coming_downgrade_in_the_same_words(shopper, rules):
    order = OrderFactory(user=shopper, total="600.00")
    recompute.recompute_all()
    placed(order, 400)
    recompute.recompute_all()
    set_based = Notification.objects.get(recipient=shopper, subject="Keep your Silver tier")

    Notification.objects.filter(recipient=shopper).delete()
    TierChange.objects.filter(user_id=shopper.pk, kind="grace").delete()
    LoyaltyAccount.objects.filter(user=shopper).update(downgrade_due_on=None)
    recompute.recompute_customer(user_id=shopper.pk)
    per_customer = Notification.objects.get(recipient=shopper)
    assert (per_customer.subject, per_customer.body) == (set_based.subject, set_based.body)
