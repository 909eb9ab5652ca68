"""Triggers on loyalty's facts: points about to expire, a customer close to the next tier, and
rules limited to loyalty segments."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from loyalty.models import LoyaltyAccount, PointsLot, Segment
from loyalty.reminders.models import ReminderSend, Trigger
from loyalty.reminders.services import selection
from loyalty.services.earning import award_bonus

from .conftest import keys_for

pytestmark = pytest.mark.django_db


def points_expiring_on(user, points, expires_on):
    award_bonus(user_id=user.pk, source="manual", points=points, reason="test", key=f"test-{user.pk}-{expires_on}")
    PointsLot.objects.filter(account__user=user).update(expires_on=expires_on)


def test_points_expiring_within_n_days_once_per_expiry_date(rule, customer, now):
    r = rule(Trigger.POINTS_EXPIRING, threshold=30)
    today = timezone.localdate(now)
    soon, later = customer(), customer()
    points_expiring_on(soon, 1200, today + timedelta(days=20))
    points_expiring_on(later, 300, today + timedelta(days=60))
    selection.select_candidates(rule=r, now=now)
    expires = today + timedelta(days=20)
    assert keys_for(soon) == [f"points_expiring:{soon.pk}:{expires:%Y%m%d}"]
    send = ReminderSend.objects.get(user=soon)
    assert send.context["points"] == "1,200"
    assert send.context["expires_on"] == f"{expires.day} {expires:%B %Y}"
    assert keys_for(later) == []
    assert selection.select_candidates(rule=r, now=now) == 0


def test_short_of_the_next_tier_within_n(rule, customer, now):
    r = rule(Trigger.TIER_GAP, threshold=150)
    close, far = customer(), customer()
    LoyaltyAccount.objects.create(user=close, spend_12m=Decimal("420.00"))
    LoyaltyAccount.objects.create(user=far, spend_12m=Decimal("100.00"))
    selection.select_candidates(rule=r, now=now)
    assert keys_for(close) == [f"tier_gap:{close.pk}:Silver:2026"]
    send = ReminderSend.objects.get(user=close)
    assert send.context["tier"] == "Silver"
    assert send.context["amount"] == "£80.00"
    assert keys_for(far) == []


def test_a_rule_for_some_segments_selects_only_their_customers(rule, customer, now):
    r = rule(Trigger.BIRTHDAY, segments=f"{Segment.AT_RISK}, {Segment.LOYAL}")
    today = timezone.localdate(now)
    at_risk, champion, no_account = (customer(birth_date=date(1980, today.month, today.day)) for _ in range(3))
    LoyaltyAccount.objects.create(user=at_risk, segment=Segment.AT_RISK)
    LoyaltyAccount.objects.create(user=champion, segment=Segment.CHAMPIONS)
    selection.select_candidates(rule=r, now=now)
    assert keys_for(at_risk) == [f"birthday:{at_risk.pk}:2026"]
    assert keys_for(champion) == keys_for(no_account) == []
