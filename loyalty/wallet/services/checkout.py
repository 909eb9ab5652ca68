"""Gift cards and store credit at checkout: money set aside for a basket (`WalletHold`), attached
to the order when it is placed, spent when it is paid, released if it never is.

Setting money aside takes it off the balance at once (one ledger row), under the card's row
lock, so two tabs or a thousand requests spending one card are served one after the other and
never take more than it holds. Spending only marks the hold spent: a card is debited exactly
once per order. A failed payment releases the hold (the money is back on the card); the pay
page takes it again before a card is charged (`confirm_for_payment`); an order that lapses or is
cancelled releases it for good, and one that was paid gives it back (services.refunds).
"""

import logging
import uuid
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.formats import date_format
from oscar.core.loading import get_model

from loyalty.services.order_notes import warn_on_order

from .. import codes
from ..ledger import WalletRefused, amount_of, locked_value, post
from ..models import StoredValue, WalletEntry, WalletHold
from ..selectors import card_minimum, payable_by_wallet

logger = logging.getLogger(__name__)
Kind, Status = WalletEntry.Kind, WalletHold.Status
ZERO = Decimal("0.00")

# One answer for a code that is wrong, mistyped or belongs to no card: it tells a guesser nothing.
NO_SUCH_CARD = "That code does not match a gift card. Check it and try again."


def find_card(code):
    """The gift card a typed code belongs to, or WalletRefused(NO_SUCH_CARD)."""
    if not codes.normalise(code):
        raise WalletRefused(NO_SUCH_CARD)
    card = StoredValue.objects.filter(kind=StoredValue.Kind.GIFT_CARD, code_digest=codes.digest(code)).first()
    if card is None:
        raise WalletRefused(NO_SUCH_CARD)
    return card


def hold_gift_card(*, basket, code, amount=None):
    """Set money aside on the gift card `code` for `basket`: `amount`, or as much as the card and
    the basket allow. Replaces this card's earlier hold on the basket. Refused (WalletRefused,
    nothing changed) for an unknown code, an expired or empty card, an amount that is not money,
    more than the card holds or more than the order may be paid with. Locks the card."""
    card = find_card(code)
    return _hold(card.pk, basket=basket, amount=amount)


def hold_stored_value(*, user, basket, value_id, amount=None):
    """As `hold_gift_card`, for the customer's own store credit or a card in their wallet."""
    if not StoredValue.objects.filter(pk=value_id, holder=user).exists():
        raise WalletRefused("That is not in your wallet.")
    return _hold(value_id, basket=basket, amount=amount)


def _hold(value_id, *, basket, amount):
    with transaction.atomic():
        value = locked_value(value_id)
        earlier = WalletHold.objects.select_for_update().filter(value=value, basket_id=basket.pk, status=Status.HELD)
        for hold in earlier:
            _release(hold, value, why="Amount changed at checkout")
        if value.is_expired():
            raise WalletRefused(
                f"This gift card expired on {date_format(value.expires_on, 'j F Y')}; nothing can be paid with it."
            )
        if value.balance <= 0:
            raise WalletRefused(f"Nothing is left on {value}.")
        others = WalletHold.objects.filter(basket_id=basket.pk, status=Status.HELD).exclude(value=value)
        room = payable_by_wallet(basket) - sum(others.values_list("amount", flat=True), ZERO)
        if room <= 0:
            raise WalletRefused(
                f"Nothing more of this order can be paid this way: at least £{card_minimum()} is paid by card, "
                "and gift cards cannot buy gift cards."
            )
        if amount in (None, ""):
            amount = min(value.balance, room)
        else:
            amount = amount_of(amount)
            if amount > value.balance:
                raise WalletRefused(f"Only £{value.balance} is left on {value}.")
            if amount > room:
                raise WalletRefused(f"At most £{room} of this order can be paid with gift cards and store credit.")
        hold = WalletHold.objects.create(value=value, basket_id=basket.pk, amount=amount)
        post(value, kind=Kind.HOLD, amount=-amount, reason="Used at checkout", key=f"hold:{hold.pk}")
        return hold


def release_hold(*, basket, hold_id):
    """The shopper's "don't use it": the hold on `basket` goes back to its card. Returns it, or None."""
    if not WalletHold.objects.filter(pk=hold_id, basket_id=basket.pk, status=Status.HELD).exists():
        return None
    return _release_by_id(hold_id, why="Not used at checkout")


def _release_by_id(hold_id, why):
    with transaction.atomic():
        value = locked_value(WalletHold.objects.values_list("value_id", flat=True).get(pk=hold_id))
        return _release(WalletHold.objects.select_for_update().get(pk=hold_id), value, why=why)


def _release(hold, value, why):
    if hold.status != Status.HELD:
        return None
    post(
        value, kind=Kind.RELEASE, amount=hold.amount, reason=why, key=f"release:{hold.pk}:{uuid.uuid4().hex[:8]}",
        reference=hold.order_number,
    )  # fmt: skip
    hold.status = Status.RELEASED
    hold.save(update_fields=["status"])
    return hold


def attach_to_order(*, basket, order_number, total):
    """At placement: the basket's holds belong to this order. Returns what they pay; the card pays
    the rest. Holds that leave the card less than its minimum (the basket shrank since) are released
    and refused, so the shopper chooses again before any payment exists."""
    with transaction.atomic():
        holds = list(WalletHold.objects.select_for_update().filter(basket_id=basket.pk, status=Status.HELD))
        paid = sum((hold.amount for hold in holds), ZERO)
        if holds and total - paid < card_minimum():
            for hold in holds:
                _release(hold, locked_value(hold.value_id), why="Basket changed")
            raise WalletRefused("Your basket changed: please choose your gift card or store credit again.")
        WalletHold.objects.filter(pk__in=[hold.pk for hold in holds]).update(order_number=order_number)
        return paid


def confirm_for_payment(*, order_number):
    """Before a card is charged: what gift cards pay of the order must still be set aside. After a
    failed payment released it, it is taken again if the card still holds it; else WalletRefused."""
    for hold in _latest_released(order_number):
        with transaction.atomic():
            value = locked_value(hold.value_id)
            hold = WalletHold.objects.select_for_update().get(pk=hold.pk)
            if hold.status != Status.RELEASED:
                continue
            if value.balance < hold.amount or value.is_expired():
                raise WalletRefused(
                    f"This order uses £{hold.amount} of {value}, which no longer holds it (£{value.balance} left)."
                )
            post(
                value, kind=Kind.HOLD, amount=-hold.amount, reason=f"Used on order {order_number}",
                key=f"hold:{hold.pk}:{uuid.uuid4().hex[:8]}", reference=order_number,
            )  # fmt: skip
            hold.status = Status.HELD
            hold.save(update_fields=["status"])


def _latest_released(order_number):
    # A hold released after a failed payment, with no later hold on the same card for this order.
    holds = WalletHold.objects.filter(order_number=order_number).order_by("value_id", "-pk")
    latest = {}
    for hold in holds:
        latest.setdefault(hold.value_id, hold)
    return [hold for hold in latest.values() if hold.status == Status.RELEASED]


def spend_for_order(*, order_number):
    """The order is paid: its holds are spent for good. Idempotent. Holds a failed attempt released
    are taken again; one a card no longer covers becomes a warning note for staff (the balance
    never goes negative). Returns what was spent now."""
    try:
        confirm_for_payment(order_number=order_number)
    except WalletRefused as refused:
        logger.warning("Order %s paid but its gift card could not be taken again: %s", order_number, refused)
        warn_on_order(
            order_number,
            f"Paid with a gift card or store credit that could not be taken again: {refused} "
            "Decide whether to collect the difference or let it go.",
        )
    with transaction.atomic():
        holds = list(WalletHold.objects.select_for_update().filter(order_number=order_number, status=Status.HELD))
        WalletHold.objects.filter(pk__in=[hold.pk for hold in holds]).update(status=Status.SPENT)
        return sum((hold.amount for hold in holds), ZERO)


def release_for_order(*, order_number, why):
    """Payment failed or the order lapsed or was cancelled unpaid: its held money returns. Idempotent."""
    held = WalletHold.objects.filter(order_number=order_number, status=Status.HELD).values_list("pk", flat=True)
    return [hold for hold in (_release_by_id(hold_id, why) for hold_id in list(held)) if hold]


def release_stale_holds(*, older_than=timedelta(hours=2)):
    """Beat: money set aside for a basket that never became an order goes back after a while."""
    Order = get_model("order", "Order")
    cutoff = timezone.now() - older_than
    stale = (
        WalletHold.objects.filter(status=Status.HELD, created__lt=cutoff)
        .exclude(Exists(Order.objects.filter(number=OuterRef("order_number"))))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    released = 0
    for hold_id in list(stale):
        try:
            if _release_by_id(hold_id, "Checkout not completed"):
                released += 1
        except Exception:  # one hold's failure must not stop the others
            logger.exception("Releasing stale wallet hold %s failed", hold_id)
    return released
