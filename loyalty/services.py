"""Writes of the loyalty programme. Each service is one transaction that locks the account it changes.

Idempotency: each source event has one ledger key ("earn:order:N", "reverse:order:N:R",
"hold:H", ...); a service that finds its key already posted returns without a change, so
Celery redeliveries and replayed signals are harmless.
"""

import logging
import math
import uuid
from datetime import timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone
from django.utils.translation import ngettext
from oscar.core.loading import get_model

from . import earning
from .ledger import (
    PENDING,
    PointsRefused,
    add_lot,
    already_posted,
    locked_account,
    post,
    return_to_lots,
    take_from_lots,
    whole_points,
)
from .models import (
    Adjustment,
    LedgerEntry,
    PendingEarn,
    PointsHold,
    PointsLot,
    ProgrammeRules,
    Referral,
    RefundApplied,
)
from .selectors import basket_total_before_points, redeemable

logger = logging.getLogger(__name__)
Kind, Source = LedgerEntry.Kind, LedgerEntry.Source
CENT = Decimal("0.01")

__all__ = ["PointsRefused"]


def _order(order_id):
    return get_model("order", "Order").objects.select_related("user").get(pk=order_id)


def _credit_available(account, *, kind, source, points, reason, key, reference="", created_by=None, today=None):
    """Available points with their own lot, expiring after the programme's months."""
    today = today or timezone.localdate()
    entry = post(
        account, kind=kind, source=source, points=points, reason=reason, key=key, reference=reference,
        created_by=created_by,
    )  # fmt: skip
    add_lot(
        account,
        entry,
        available_on=today,
        expires_on=today + relativedelta(months=ProgrammeRules.current().expiry_months),
    )
    return entry


def _debit_available(account, *, kind, source, points, reason, key, reference="", created_by=None):
    if points > account.available:
        raise PointsRefused(f"Only {account.available} points are available: cannot take {points}.")
    taken = take_from_lots(account, points)
    entry = post(
        account, kind=kind, source=source, points=-points, reason=reason, key=key, reference=reference,
        created_by=created_by,
    )  # fmt: skip
    return entry, taken


# --- Earning ---------------------------------------------------------------------------------


def earn_for_order(*, order_id, today=None):
    """Pending points for a paid order, plus first-order, campaign and referral bonuses. Idempotent.

    Guests earn nothing. Points stay pending until the order is delivered or the programme's
    waiting period passes (`vest_due`).
    """
    order = _order(order_id)
    if order.user_id is None:
        return None
    today = today or timezone.localdate()
    key = f"earn:order:{order.number}"
    with transaction.atomic():
        account = locked_account(order.user_id)
        if already_posted(key) or PendingEarn.objects.filter(order_number=order.number).exists():
            return PendingEarn.objects.filter(order_number=order.number).first()
        rules = earning.EarnRules.load(day=today, tier=account.tier)
        points, campaigns = rules.points(earning.order_lines(order))
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
            _credit_available(
                account, kind=Kind.EARN, source=Source.ORDER, points=programme.first_order_bonus,
                reason="Welcome bonus: first order", key=f"bonus:first-order:{order.user_id}",
                reference=order.number, today=today,
            )  # fmt: skip
        if first_order:
            _reward_referral(order, programme, today)
        return pending


def _reward_referral(order, programme, today):
    referral = Referral.objects.select_for_update().filter(friend_id=order.user_id, rewarded_order="").first()
    if referral is None:
        return
    referral.rewarded_order = order.number
    referral.save(update_fields=["rewarded_order"])
    for user_id, points, who in (
        (referral.friend_id, programme.referral_bonus_friend, "friend"),
        (referral.referrer_id, programme.referral_bonus_referrer, "referrer"),
    ):
        if points:
            # The referrer's account is locked after the friend's, always in that order, so two
            # referrals completing at once cannot deadlock on each other's accounts.
            account = locked_account(user_id)
            _credit_available(
                account, kind=Kind.EARN, source=Source.REFERRAL, points=points,
                reason=f"Referral bonus ({who}), order {order.number}", key=f"referral:{who}:{referral.pk}",
                reference=order.number, today=today,
            )  # fmt: skip


def award_bonus(*, user_id, source, points, reason, key, today=None):
    """Bonus points available at once (review, birthday, ...). Idempotent on `key`."""
    points = whole_points(points)
    with transaction.atomic():
        account = locked_account(user_id)
        if already_posted(key):
            return None
        return _credit_available(
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
    from django.contrib.auth import get_user_model

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


def register_referral(*, referrer, friend):
    if referrer.pk == friend.pk:
        raise PointsRefused("You cannot refer yourself.")
    referral, _ = Referral.objects.get_or_create(friend=friend, defaults={"referrer": referrer})
    return referral


# --- Pending → available, expiry --------------------------------------------------------------


def vest_order(*, order_number, today=None):
    """The order's pending points become available (delivered, or waited long enough). Idempotent."""
    today = today or timezone.localdate()
    pending = PendingEarn.objects.filter(order_number=order_number).first()
    if pending is None:
        return None
    with transaction.atomic():
        account = locked_account(pending.account.user_id)
        pending = PendingEarn.objects.select_for_update().get(pk=pending.pk)
        if pending.vested:
            return pending
        if pending.remaining:
            post(
                account, kind=Kind.VEST, source=Source.ORDER, bucket=PENDING, points=-pending.remaining,
                reason=f"Order {order_number}: now available", key=f"vest:order:{order_number}:pending",
                reference=order_number,
            )  # fmt: skip
            _credit_available(
                account, kind=Kind.VEST, source=Source.ORDER, points=pending.remaining,
                reason=f"Order {order_number}: now available", key=f"vest:order:{order_number}",
                reference=order_number, today=today,
            )  # fmt: skip
        pending.vested = True
        pending.save(update_fields=["vested"])
        return pending


def vest_due(*, today=None):
    """Beat: pending order points whose waiting period is over become available.

    Each order on its own: one that fails is logged and noted on the order once, the others vest."""
    today = today or timezone.localdate()
    numbers = PendingEarn.objects.filter(vested=False, available_on__lte=today).values_list("order_number", flat=True)
    vested = 0
    for number in list(numbers.order_by("pk")):
        try:
            vested += bool(vest_order(order_number=number, today=today))
        except Exception as error:  # noqa: BLE001 -- one order's failure must not stop the others
            _note_job_failure(number, "making its pending points available", error)
    return vested


def expire_due(*, today=None):
    """Beat: points past their expiry date are taken off, one ledger row per lot. Idempotent.

    Each lot in its own transaction: one that fails is logged and the others expire."""
    today = today or timezone.localdate()
    lots = PointsLot.objects.filter(remaining__gt=0, expires_on__lte=today).values_list("pk", "account__user_id")
    expired = 0
    for lot_id, user_id in list(lots.order_by("pk")):
        try:
            expired += _expire_lot(lot_id, user_id)
        except Exception:  # one lot's failure must not stop the others
            logger.exception("Expiring points lot %s of customer %s failed", lot_id, user_id)
    return expired


def _expire_lot(lot_id, user_id):
    with transaction.atomic():
        account = locked_account(user_id)
        lot = PointsLot.objects.select_for_update().get(pk=lot_id)
        if lot.remaining == 0:
            return 0
        points = lot.remaining
        lot.remaining = 0
        lot.save(update_fields=["remaining"])
        post(
            account, kind=Kind.EXPIRE, source=Source.PROGRAMME, points=-points,
            reason=f"Expired (earned {lot.available_on:%d %b %Y})", key=f"expire:lot:{lot.pk}",
        )  # fmt: skip
        return points


# --- Refunds ----------------------------------------------------------------------------------


def reverse_for_refund(*, order_id, amount, refund_reference):
    """A refund takes back the points its share of the order earned, and gives back its share of
    the points redeemed on it. Idempotent per refund; never leaves a balance negative.

    Points still pending are taken first; what was already spent cannot be taken back, and
    the shortfall is written in the ledger row's reason.
    """
    order = _order(order_id)
    amount = Decimal(amount).quantize(CENT)
    if amount <= 0:
        raise PointsRefused("A refund amount must be more than zero.")
    if order.user_id is None:
        return None
    with transaction.atomic():
        account = locked_account(order.user_id)
        if RefundApplied.objects.filter(order_number=order.number, refund_reference=refund_reference).exists():
            return None
        RefundApplied.objects.create(order_number=order.number, refund_reference=refund_reference, amount=amount)
        refunded = sum(RefundApplied.objects.filter(order_number=order.number).values_list("amount", flat=True))
        _restore_redeemed(account, order, refunded, refund_reference)
        _reverse_earned(account, order, refunded, refund_reference)
        return account


def _share(points, refunded, paid):
    if paid <= 0:
        return points
    return math.floor(Decimal(points) * min(Decimal(1), refunded / paid))


def _restore_redeemed(account, order, refunded, refund_reference):
    hold = PointsHold.objects.select_for_update().filter(order_number=order.number, status="spent").first()
    if hold is None:
        return
    # The money refunded is a share of what was paid in money; the same share of points comes back.
    due = _share(hold.points, refunded, order.total_incl_tax) - hold.restored_points
    if due > 0:
        _credit_available(
            account, kind=Kind.REVERSE, source=Source.ORDER, points=due,
            reason=f"Refund on order {order.number}: redeemed points returned",
            key=f"restore:order:{order.number}:{refund_reference}", reference=order.number,
        )  # fmt: skip
        hold.restored_points += due
        hold.save(update_fields=["restored_points"])


def _reverse_earned(account, order, refunded, refund_reference):
    pending = PendingEarn.objects.select_for_update().filter(order_number=order.number).first()
    if pending is None:
        return
    due = _share(pending.points, refunded, pending.paid_total) - pending.reversed_points
    if due <= 0:
        return
    key = f"reverse:order:{order.number}:{refund_reference}"
    from_pending = min(due, pending.remaining) if not pending.vested else 0
    if from_pending:
        post(
            account, kind=Kind.REVERSE, source=Source.ORDER, bucket=PENDING, points=-from_pending,
            reason=f"Refund on order {order.number}", key=f"{key}:pending", reference=order.number,
        )  # fmt: skip
        pending.remaining -= from_pending
    from_available = min(due - from_pending, account.available)
    shortfall = due - from_pending - from_available
    if from_available:
        reason = f"Refund on order {order.number}"
        if shortfall:
            reason += f" ({shortfall} already spent, not taken)"
        _debit_available(
            account, kind=Kind.REVERSE, source=Source.ORDER, points=from_available, reason=reason, key=key,
            reference=order.number,
        )  # fmt: skip
    elif shortfall:
        logger.info("Refund %s on order %s: %s points already spent", refund_reference, order.number, shortfall)
    pending.reversed_points += due
    pending.save(update_fields=["remaining", "reversed_points"])


# --- Redemption at checkout -------------------------------------------------------------------


def hold_points(*, user, basket, points):
    """Set `points` (a whole number above zero) aside for `basket`, replacing any earlier choice.

    Anything else, or more than the shopper has or the basket allows, raises PointsRefused and
    changes nothing: an earlier choice stays held (releasing it is `release_points`, asked for
    explicitly). Locks the account: two checkouts (two tabs, two devices) racing for the same
    points are served one after the other, and the second finds the balance the first left.
    """
    points = whole_points(points)
    rules = ProgrammeRules.current()
    with transaction.atomic():
        account = locked_account(user.pk)
        # Released first so the earlier choice counts as available again; a refusal below
        # rolls the release back with everything else.
        _release(PointsHold.objects.select_for_update().filter(basket_id=basket.pk, status="held").first(), account)
        minimum, maximum, step = redeemable(
            basket_total=basket_total_before_points(basket), available=account.available, rules=rules
        )
        if points > account.available:
            raise PointsRefused(
                ngettext(
                    "You have %(n)s point: you cannot redeem %(points)s.",
                    "You have %(n)s points: you cannot redeem %(points)s.",
                    account.available,
                )
                % {"n": account.available, "points": points}
            )
        if points < minimum:
            raise PointsRefused(
                ngettext("Redeem at least %(n)s point.", "Redeem at least %(n)s points.", minimum) % {"n": minimum}
            )
        if points % step:
            raise PointsRefused(f"Redeem points in steps of {step}.")
        if points > maximum:
            raise PointsRefused(
                ngettext(
                    "At most %(n)s point can be redeemed on this order.",
                    "At most %(n)s points can be redeemed on this order.",
                    maximum,
                )
                % {"n": maximum}
            )
        hold = PointsHold.objects.create(
            account=account, basket_id=basket.pk, points=points, amount=(points * rules.point_value).quantize(CENT)
        )
        _, hold.lots = _debit_available(
            account, kind=Kind.REDEEM, source=Source.CHECKOUT, points=points, reason="Redeemed at checkout",
            key=f"hold:{hold.pk}",
        )  # fmt: skip
        hold.save(update_fields=["lots"])
        return hold


def release_points(*, user, basket):
    """Give back the points held for `basket`, as the shopper asked; the released hold, or None
    if none was held. Locks the account, as `hold_points` does."""
    with transaction.atomic():
        account = locked_account(user.pk)
        hold = PointsHold.objects.select_for_update().filter(basket_id=basket.pk, status="held").first()
        return _release(hold, account, why="Not used at checkout")


def _release(hold, account, why="Checkout not completed"):
    if hold is None or hold.status != PointsHold.Status.HELD:
        return None
    return_to_lots(hold.lots)
    post(
        account, kind=Kind.RELEASE, source=Source.CHECKOUT, points=hold.points, reason=why,
        key=f"release:{hold.pk}:{uuid.uuid4().hex[:8]}", reference=hold.order_number,
    )  # fmt: skip
    hold.status = PointsHold.Status.RELEASED
    hold.save(update_fields=["status"])
    return hold


def attach_hold_to_order(*, basket, order_number, discount):
    """At placement: the basket's held points belong to this order.

    `discount` is the points discount the order will carry, applied when the request began.
    Another tab may have changed the points since (released them, or chosen some): an order must
    never keep a discount whose points are not held, nor spend points it gives no discount for,
    so a mismatch is refused and the shopper reviews the order again. A hold that no longer fits
    the basket (it changed since the points were chosen) is released and refused.
    """
    with transaction.atomic():
        hold = PointsHold.objects.select_for_update().filter(basket_id=basket.pk, status="held").first()
        if hold is not None:
            _, maximum, _ = redeemable(
                basket_total=basket_total_before_points(basket), available=hold.points, rules=ProgrammeRules.current()
            )
            if hold.points > maximum:
                account = locked_account(hold.account.user_id)
                _release(hold, account, why="Basket changed")
                raise PointsRefused("Your basket changed: please choose your points again.")
        if (hold.amount if hold else Decimal("0.00")) != discount:
            raise PointsRefused("Your points changed in another window: please check your order and confirm again.")
        if hold is None:
            return None
        hold.order_number = order_number
        hold.save(update_fields=["order_number"])
        return hold


def confirm_hold_for_payment(*, order_number):
    """Before a card is charged: the points the order's discount stands for must still be set
    aside. After a failed payment released them, they are taken again if the balance allows."""
    hold = PointsHold.objects.filter(order_number=order_number).order_by("-pk").first()
    if hold is None or hold.status in (PointsHold.Status.HELD, PointsHold.Status.SPENT):
        return hold
    with transaction.atomic():
        account = locked_account(hold.account.user_id)
        hold = PointsHold.objects.select_for_update().get(pk=hold.pk)
        if hold.status != PointsHold.Status.RELEASED:
            return hold
        if account.available < hold.points:
            raise PointsRefused(f"This order uses {hold.points} points but only {account.available} are available now.")
        _, hold.lots = _debit_available(
            account, kind=Kind.REDEEM, source=Source.CHECKOUT, points=hold.points,
            reason=f"Redeemed on order {order_number}", key=f"hold:{hold.pk}:{uuid.uuid4().hex[:8]}",
            reference=order_number,
        )  # fmt: skip
        hold.status = PointsHold.Status.HELD
        hold.save(update_fields=["lots", "status"])
        return hold


def spend_hold(*, order_number):
    """The order is paid: its held points are spent for good. Idempotent.

    If a failed attempt had released them and the order was then paid without passing our pay
    page (Stripe's own retry), they are taken again; if the balance no longer allows it, the
    balance does not go negative: the shortfall becomes a warning note on the order, where staff
    handling it in the dashboard see it.
    """
    latest = PointsHold.objects.filter(order_number=order_number).order_by("-pk").first()
    if latest is not None and latest.status == PointsHold.Status.RELEASED:
        try:
            confirm_hold_for_payment(order_number=order_number)
        except PointsRefused as refused:
            logger.warning("Order %s paid but its points could not be taken again: %s", order_number, refused)
            _note_shortfall(order_number, refused)
            return None
    with transaction.atomic():
        hold = PointsHold.objects.select_for_update().filter(order_number=order_number, status="held").first()
        if hold is None:
            return None
        hold.status = PointsHold.Status.SPENT
        hold.save(update_fields=["status"])
        return hold


def _note_shortfall(order_number, refused):
    _warn_on_order(
        order_number,
        f"Paid with a points discount whose points could not be taken again: {refused} "
        "Decide whether to collect the difference or let it go.",
    )


def _warn_on_order(order_number, message):
    """A warning note staff see on the order, written once however often it is met again. Whether it was."""
    OrderNote = get_model("order", "OrderNote")
    order = get_model("order", "Order").objects.filter(number=order_number).first()
    if order is None:
        return False
    _note, created = OrderNote.objects.get_or_create(order=order, note_type=OrderNote.WARNING, message=message[:2000])
    return created


def _note_job_failure(order_number, doing, error):
    """A beat job failed on one order: logged every time, noted on the order once."""
    logger.error("Loyalty job failed %s for order %s: %r", doing, order_number, error, exc_info=error)
    _warn_on_order(order_number, f"The loyalty programme failed {doing}: {type(error).__name__}: {error}")


def release_for_order(*, order_number, why):
    """Payment failed or the order was cancelled: its held points return to the balance. Idempotent."""
    hold = PointsHold.objects.filter(order_number=order_number, status="held").first()
    if hold is None:
        return None
    with transaction.atomic():
        account = locked_account(hold.account.user_id)
        hold = PointsHold.objects.select_for_update().get(pk=hold.pk)
        return _release(hold, account, why=why)


def release_stale_holds(*, older_than=timedelta(hours=2)):
    """Beat: points set aside for a basket that never became an order go back after a while."""
    cutoff = timezone.now() - older_than
    released = 0
    for hold_id, user_id in list(
        PointsHold.objects.filter(status="held", order_number="", created__lt=cutoff)
        .order_by("pk")
        .values_list("pk", "account__user_id")
    ):
        try:
            with transaction.atomic():
                account = locked_account(user_id)
                hold = PointsHold.objects.select_for_update().get(pk=hold_id)
                if hold.order_number == "" and _release(hold, account, why="Checkout not completed"):
                    released += 1
        except Exception:  # one hold's failure must not stop the others
            logger.exception("Releasing stale points hold %s of customer %s failed", hold_id, user_id)
    return released


# --- Staff ------------------------------------------------------------------------------------


def adjust_points(*, user_id, points, reason, staff, token=None):
    """A staff correction, signed, with a reason (required) and an audit row. Never below zero.

    `token` (the form's one-time value) makes a double-submitted form adjust once.
    """
    reason = (reason or "").strip()
    if not reason:
        raise PointsRefused("A reason is required for an adjustment.")
    points = whole_points(points, allow_negative=True)
    key = f"adjust:{token or uuid.uuid4().hex}"
    with transaction.atomic():
        account = locked_account(user_id)
        if already_posted(key):
            return LedgerEntry.objects.get(idempotency_key=key)
        text = f"Adjustment: {reason}"
        if points > 0:
            entry = _credit_available(
                account, kind=Kind.ADJUST, source=Source.MANUAL, points=points, reason=text, key=key, created_by=staff
            )
        else:
            entry, _ = _debit_available(
                account, kind=Kind.ADJUST, source=Source.MANUAL, points=-points, reason=text, key=key, created_by=staff
            )
        Adjustment.objects.create(entry=entry, staff=staff, reason=reason)
        return entry


def save_campaign(*, campaign):
    """Validate (dates, conflicting overlaps) and save, under a lock so two staff saving
    overlapping campaigns at once cannot both pass the check."""
    from .models import Campaign

    with transaction.atomic():
        list(Campaign.objects.select_for_update().filter(active=True).values_list("pk", flat=True))
        campaign.full_clean()
        campaign.save()
        return campaign
