"""Referrals: a member's invite code, a friend registered with it, and the bonus both earn after
the friend's first paid order, refused when the two look like one person, taken back when that
order is refunded in full.

The friend's first paid order decides, once: the referral row is locked and leaves "pending" in
the same transaction that credits (or refuses) both sides, so a replayed task, the reconciler
or a second order finds it decided and changes nothing.
"""

import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone
from oscar.core.loading import get_model

from atelier.orders import PURCHASED

from ..households import household_key
from ..ledger import PointsRefused, credit_available, debit_available, locked_account
from ..models import InviteCode, LedgerEntry, ProgrammeRules, Referral

Kind, Source = LedgerEntry.Kind, LedgerEntry.Source
Status = Referral.Status

# No 0/O, 1/I/L: a code read aloud or copied by hand is typed right. 31**10 is about 8e14 codes,
# and looking one up is rate limited per client, so guessing a member's code is hopeless.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10

SELF_REFERRAL = "You cannot use your own invite code."
ALREADY_INVITED = "This account was already invited by another member."
ALREADY_CUSTOMER = "Invites are for new customers: this account has already ordered with us."
SAME_CARD = "The friend paid with the same card as the member who invited them."
SAME_ADDRESS = "The friend's order uses the same address as the member who invited them."


class ReferralRefused(PointsRefused):
    """A referral refused, with the reason in words."""


def normalized_code(text):
    """The code as stored: upper case, without spaces or dashes a person may have typed."""
    return "".join(ch for ch in (text or "").upper() if ch.isalnum())


def invite_code_for(*, user):
    """The member's invite code, created on first use with a fresh random value. Stable after."""
    existing = InviteCode.objects.filter(user=user).first()
    if existing is not None:
        return existing
    for _attempt in range(5):
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        try:
            with transaction.atomic():
                return InviteCode.objects.create(user=user, code=code)
        except IntegrityError:
            # Either the code was taken (about one in 8e14) or a second tab created this member's
            # code a moment ago: that one is the member's code.
            existing = InviteCode.objects.filter(user=user).first()
            if existing is not None:
                return existing
    raise RuntimeError("Could not find a free invite code")


def register_referral(*, referrer, friend, code=""):
    """Record that `friend` registered with `referrer`'s invite. Idempotent for the same pair.

    Refused (ReferralRefused) for the member themselves, a friend another member invited
    already, and a friend who has ordered before (invites bring new customers)."""
    if referrer.pk == friend.pk:
        raise ReferralRefused(SELF_REFERRAL)
    with transaction.atomic():
        existing = Referral.objects.select_for_update().filter(friend=friend).first()
        if existing is not None:
            if existing.referrer_id != referrer.pk:
                raise ReferralRefused(ALREADY_INVITED)
            return existing
        if get_model("order", "Order").objects.filter(user=friend).exists():
            raise ReferralRefused(ALREADY_CUSTOMER)
        try:
            with transaction.atomic():
                return Referral.objects.create(referrer=referrer, friend=friend, code=normalized_code(code))
        except IntegrityError:
            # The same registration submitted twice at once: the first row stands.
            existing = Referral.objects.get(friend=friend)
            if existing.referrer_id != referrer.pk:
                raise ReferralRefused(ALREADY_INVITED) from None
            return existing


def reward_referral(*, order_id, friend_cards=(), referrer_cards=(), today=None):
    """Decide the referral of the order's customer, if one is pending: both sides credited their
    bonus, or the referral refused with the reason. Idempotent: a decided referral is returned
    as it is.

    `friend_cards` are the card fingerprints this order was paid with, `referrer_cards` those
    of the referrer's paid orders (the payment side looks them up; empty in demo mode). Locks
    the friend's account, then the referral, then the referrer's account: always this order,
    so two referrals completing at once cannot deadlock.
    """
    order = get_model("order", "Order").objects.select_related("shipping_address", "billing_address").get(pk=order_id)
    if order.user_id is None:
        return None
    with transaction.atomic():
        friend_account = locked_account(order.user_id)
        referral = Referral.objects.select_for_update().filter(friend_id=order.user_id).first()
        if referral is None or referral.status != Status.PENDING or order.status not in PURCHASED:
            # Decided already, or this order was cancelled before its task ran: it decides nothing.
            return referral
        referral.decided = timezone.now()
        reason = _same_person(referral, order, set(friend_cards), set(referrer_cards))
        if reason:
            referral.status, referral.reason = Status.REFUSED, f"{reason} (order {order.number})"
            referral.save(update_fields=["status", "reason", "decided"])
            return referral
        programme = ProgrammeRules.current()
        referral.status, referral.rewarded_order = Status.REWARDED, order.number
        referral.friend_points = programme.referral_bonus_friend
        referral.referrer_points = programme.referral_bonus_referrer
        referral.save(update_fields=["status", "rewarded_order", "friend_points", "referrer_points", "decided"])
        for user_id, points, who in (
            (referral.friend_id, referral.friend_points, "friend"),
            (referral.referrer_id, referral.referrer_points, "referrer"),
        ):
            if points:
                account = friend_account if user_id == order.user_id else locked_account(user_id)
                credit_available(
                    account, kind=Kind.EARN, source=Source.REFERRAL, points=points,
                    reason=f"Referral bonus ({who}), order {order.number}", key=f"referral:{who}:{referral.pk}",
                    reference=order.number, today=today,
                )  # fmt: skip
        return referral


def _same_person(referral, order, friend_cards, referrer_cards):
    if friend_cards & referrer_cards:
        return SAME_CARD
    friend_homes = {_key(address) for address in (order.shipping_address, order.billing_address) if address}
    friend_homes.discard("")
    if friend_homes & _referrer_homes(referral.referrer_id):
        return SAME_ADDRESS
    return ""


def _key(address):
    country = getattr(address, "country_id", "") or ""
    return household_key(
        lines=[address.line1, address.line2, address.line3], postcode=address.postcode, country=country
    )


def _referrer_homes(user_id):
    """The referrer's addresses: their address book and every address on their orders."""
    keys = set()
    for model in (
        get_model("address", "UserAddress").objects.filter(user_id=user_id),
        get_model("order", "ShippingAddress").objects.filter(order__user_id=user_id),
        get_model("order", "BillingAddress").objects.filter(order__user_id=user_id),
    ):
        keys.update(_key(address) for address in model)
    keys.discard("")
    return keys


def take_back_for_refund(*, order, refunded, friend_account):
    """The referral bonuses of a rewarded referral whose deciding order is refunded in full,
    taken back from both sides (what was spent already cannot be; the ledger row says so).
    Once: the referral becomes "reversed". A partial refund leaves the bonus: the friend still
    bought from us. `friend_account` is the order's customer's account, locked by the caller;
    the referrer's is locked after it."""
    if refunded < order.total_incl_tax:
        return None
    referral = (
        Referral.objects.select_for_update()
        .filter(friend_id=order.user_id, status=Status.REWARDED, rewarded_order=order.number)
        .first()
    )
    if referral is None:
        return None
    referral.status = Status.REVERSED
    referral.reason = f"Order {order.number} was refunded in full"
    referral.save(update_fields=["status", "reason"])
    for user_id, points, who in (
        (referral.friend_id, referral.friend_points, "friend"),
        (referral.referrer_id, referral.referrer_points, "referrer"),
    ):
        account = friend_account if user_id == order.user_id else locked_account(user_id)
        taken = min(points, account.available)
        if not taken:
            continue
        reason = f"Referral bonus ({who}) taken back: order {order.number} refunded"
        if taken < points:
            reason += f" ({points - taken} already spent, not taken)"
        debit_available(
            account, kind=Kind.REVERSE, source=Source.REFERRAL, points=taken, reason=reason,
            key=f"referral-back:{who}:{referral.pk}", reference=order.number,
        )  # fmt: skip
    return referral


def friend_may_register(*, referrer, email):
    """A reason to refuse this invite for someone registering with `email`, or "".

    The member's own address with a "+tag" is the member."""
    if referrer is None:
        return ""
    if _mailbox(email) == _mailbox(referrer.email):
        return SELF_REFERRAL
    return ""


def _mailbox(email):
    local, _, domain = (email or "").strip().lower().partition("@")
    return f"{local.split('+', 1)[0]}@{domain}"
