"""Points earned: a paid order's, pending until it is delivered or waited long enough, and the
bonuses available at once (first order, review, birthday). Guests earn nothing. The referral
bonus is `referrals.reward_referral`'s: it needs the payment's card, which the paid-order
composition looks up."""

import logging
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from oscar.core.loading import get_model

from ..earning import EarnRules, order_lines
from ..ledger import PENDING, already_posted, credit_available, locked_account, post, whole_points
from ..models import LedgerEntry, PendingEarn, ProgrammeRules

logger = logging.getLogger(__name__)
Kind, Source = LedgerEntry.Kind, LedgerEntry.Source


def earn_for_order(*, order_id, today=None):
    """Pending points for a paid order, plus first-order and campaign bonuses. Idempotent.

    Guests earn nothing. Points stay pending until the order is delivered or the programme's
    waiting period passes (`vesting.vest_due`).
    """
    order = get_model("order", "Order").objects.select_related("user").get(pk=order_id)
    if order.user_id is None:
        return None
    today = today or timezone.localdate()
    key = f"earn:order:{order.number}"
    with transaction.atomic():
        account = locked_account(order.user_id)
        if already_posted(key) or PendingEarn.objects.filter(order_number=order.number).exists():
            return PendingEarn.objects.filter(order_number=order.number).first()
        rules = EarnRules.load(day=today, tier=account.tier, value_class=account.value_class)
        points, campaigns = rules.points(order_lines(order))
        first_order = not PendingEarn.objects.filter(account=account).exists()
        programme = ProgrammeRules.current()
        pending = PendingEarn.objects.create(
            account=account,
            order_number=order.number,
            order_id=order.pk,
            points=points,
            remaining=points,
            paid_total=order.total_incl_tax,
            available_on=today + timedelta(days=programme.pending_days),
        )
        if points:
            reason = f"Order {order.number}" + (f" ({', '.join(campaigns)})" if campaigns else "")
            post(
                account, kind=Kind.EARN, source=Source.ORDER, bucket=PENDING, points=points, reason=reason,
                key=key, reference=order.number,
            )  # fmt: skip
        if first_order and programme.first_order_bonus:
            credit_available(
                account, kind=Kind.EARN, source=Source.ORDER, points=programme.first_order_bonus,
                reason="Welcome bonus: first order", key=f"bonus:first-order:{order.user_id}",
                reference=order.number, today=today,
            )  # fmt: skip
        return pending


def award_bonus(*, user_id, source, points, reason, key, today=None):
    """Bonus points available at once (review, birthday, ...). Idempotent on `key`."""
    points = whole_points(points)
    with transaction.atomic():
        account = locked_account(user_id)
        if already_posted(key):
            return None
        return credit_available(
            account, kind=Kind.EARN, source=source, points=points, reason=reason, key=key, today=today
        )


def award_review_bonus(*, user_id, review_id):
    points = ProgrammeRules.current().review_bonus
    if not points:
        return None
    return award_bonus(
        user_id=user_id, source=Source.REVIEW, points=points, reason="Thank you for your review",
        key=f"review:{review_id}",
    )  # fmt: skip


def award_birthday_bonuses(*, today=None):
    """Birthday points for everyone whose birthday is today, once a year. Returns how many.

    Each customer on their own: one whose award fails is logged and the others still get theirs
    (the next run, if it is still the day, tries again; the key keeps it to once a year)."""
    today = today or timezone.localdate()
    points = ProgrammeRules.current().birthday_bonus
    if not points:
        return 0
    people = (
        get_user_model()
        .objects.filter(is_active=True, birth_date__month=today.month, birth_date__day=today.day)
        .values_list("pk", flat=True)
    )
    awarded = 0
    for user_id in list(people):
        try:
            awarded += bool(
                award_bonus(
                    user_id=user_id, source=Source.BIRTHDAY, points=points, reason=f"Happy birthday {today.year}",
                    key=f"birthday:{user_id}:{today.year}", today=today,
                )
            )  # fmt: skip
        except Exception:  # one customer's failure must not stop the others
            logger.exception("Birthday points for customer %s failed", user_id)
    return awarded
