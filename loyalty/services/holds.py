"""Points set aside at checkout (`PointsHold`): chosen for a basket, attached to the order when it
is placed, checked again before a card is charged, spent when it is paid, or released (the
shopper's choice, a failed payment or cancellation, a basket that never became an order).

Every change locks the account, so two checkouts (two tabs, two devices) racing for the same
points are served one after the other.
"""

import logging
import uuid
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import ngettext

from ..ledger import PointsRefused, debit_available, locked_account, post, return_to_lots, whole_points
from ..models import LedgerEntry, PointsHold, ProgrammeRules
from ..selectors.redemption import basket_total_before_points, redeemable
from .order_notes import warn_on_order

logger = logging.getLogger(__name__)
Kind, Source = LedgerEntry.Kind, LedgerEntry.Source
CENT = Decimal("0.01")


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
        _, hold.lots = debit_available(
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
        _, hold.lots = debit_available(
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
    warn_on_order(
        order_number,
        f"Paid with a points discount whose points could not be taken again: {refused} "
        "Decide whether to collect the difference or let it go.",
    )


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
