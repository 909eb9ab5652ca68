"""Reads about referrals: whose invite code a code is, what a member's invites brought, the
referral a customer joined with, and the friends' paid orders still waiting for a decision."""

from datetime import timedelta

from django.db.models import Min, Sum
from django.utils import timezone
from oscar.core.loading import get_model

from atelier.orders import PURCHASED

from ..models import InviteCode, ProgrammeRules, Referral

Status = Referral.Status


def code_owner(*, code):
    """The member whose invite code this is (already normalized), or None."""
    if not code:
        return None
    found = InviteCode.objects.select_related("user").filter(code=code, user__is_active=True).first()
    return found.user if found else None


def pending_referral(*, friend_id):
    return Referral.objects.filter(friend_id=friend_id, status=Status.PENDING).first()


def friend_label(user):
    """How a member sees a friend they invited: first name and initial, never the address."""
    first, last = (user.first_name or "").strip(), (user.last_name or "").strip()
    if first:
        return f"{first} {last[:1]}." if last else first
    return "A friend"


def invites_of(*, user):
    """The member's invitations: each friend who joined (label, when, status, points the member
    got for them) and the totals the hub shows."""
    referrals = list(
        Referral.objects.filter(referrer=user).select_related("friend").order_by("-created", "-pk")
    )  # the member's own rows only
    friends = [
        {
            "label": friend_label(referral.friend),
            "joined": referral.created,
            "status": referral.status,
            "status_label": referral.get_status_display(),
            "points": referral.referrer_points if referral.status == Status.REWARDED else 0,
            "friend_points": referral.friend_points if referral.status == Status.REWARDED else 0,
        }
        for referral in referrals
    ]
    referrer_bonus, friend_bonus = referral_bonuses()
    return {
        "friends": friends,
        "joined": len(friends),
        "rewarded": sum(1 for friend in friends if friend["status"] == Status.REWARDED),
        "points": sum(friend["points"] for friend in friends),
        "referrer_bonus": referrer_bonus,
        "friend_bonus": friend_bonus,
    }


def referral_bonuses():
    """(the member's bonus, the friend's bonus) as the programme's rules say today."""
    programme = ProgrammeRules.current()
    return programme.referral_bonus_referrer, programme.referral_bonus_friend


def invited_by(*, user):
    """The referral this customer joined with (who invited them and where it stands), or None."""
    return Referral.objects.select_related("referrer").filter(friend=user).first()


def referrals_of_customer(*, user):
    """For staff: the customer's referral as a friend, and those they made, newest first."""
    return {
        "invited_by": invited_by(user=user),
        "invited": list(Referral.objects.filter(referrer=user).select_related("friend").order_by("-created", "-pk")),
        "code": InviteCode.objects.filter(user=user).values_list("code", flat=True).first() or "",
        "points": Referral.objects.filter(referrer=user, status=Status.REWARDED).aggregate(n=Sum("referrer_points"))[
            "n"
        ]
        or 0,
    }


def paid_orders_with_pending_referral(*, within=timedelta(days=30)):
    """Ids of friends' first paid orders (of the last `within`) whose referral is still pending:
    the decision's task was lost. The friend's earliest order that counts as a purchase."""
    Order = get_model("order", "Order")
    friends = Referral.objects.filter(status=Status.PENDING).values("friend_id")
    firsts = (
        Order.objects.filter(user_id__in=friends, status__in=PURCHASED, date_placed__gte=timezone.now() - within)
        .values("user_id")
        .annotate(first=Min("pk"))
        .values_list("first", flat=True)
    )
    return sorted(firsts)
