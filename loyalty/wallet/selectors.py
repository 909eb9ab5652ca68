"""Reads about gift cards and store credit: a basket's holds, what a basket may take, a customer's wallet."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Q, Sum
from django.utils import timezone
from oscar.core.loading import get_model

from atelier.orders import CLOSED, PURCHASED

from .models import GiftCardPurchase, StoredValue, WalletEntry, WalletHold
from .purchase import GIFT_CARD_OPTION, line_gift_card_text

ZERO = Decimal("0.00")


def card_minimum():
    """What the card pays at least on an order that uses gift cards or store credit (Stripe's least charge)."""
    return Decimal(settings.WALLET_CARD_MINIMUM)


def held_for_basket(basket):
    """The holds set aside for `basket`, their card or credit loaded, oldest first."""
    if not basket.pk:
        return []
    return list(
        WalletHold.objects.filter(basket_id=basket.pk, status=WalletHold.Status.HELD)
        .select_related("value")
        .order_by("pk")
    )


def wallet_total_for_basket(basket):
    """What gift cards and store credit will pay of `basket`'s order."""
    return sum((hold.amount for hold in held_for_basket(basket)), ZERO)


def payable_by_wallet(basket):
    """The most gift cards and store credit together may pay of `basket`: its total less gift cards
    bought in it (a gift card does not buy another) less what the card must pay at least."""
    total = basket.total_incl_tax if basket.pk else ZERO
    gift_lines = sum(
        (line.line_price_incl_tax_incl_discounts or ZERO for line in basket.all_lines() if line_gift_card_text(line)),
        ZERO,
    )
    return max(total - gift_lines - card_minimum(), ZERO)


def paid_by_wallet(order_number):
    """What gift cards and store credit paid (or hold) of the order, less what went back."""
    result = WalletHold.objects.filter(order_number=order_number).exclude(status=WalletHold.Status.RELEASED)
    totals = result.aggregate(amount=Sum("amount"), returned=Sum("returned"))
    return (totals["amount"] or ZERO) - (totals["returned"] or ZERO)


@dataclass(frozen=True)
class Wallet:
    store_credit: StoredValue | None
    cards: list
    bought: list

    @property
    def total(self):
        held = [self.store_credit] if self.store_credit else []
        return sum((value.balance for value in held + [card for card in self.cards if not card.is_expired()]), ZERO)


def wallet_for(*, user):
    """The customer's store credit, the gift cards in their wallet and the ones they bought for others."""
    values = StoredValue.objects.filter(holder=user).order_by("kind", "-created")
    credit = next((value for value in values if value.kind == StoredValue.Kind.STORE_CREDIT), None)
    cards = [value for value in values if value.kind == StoredValue.Kind.GIFT_CARD]
    bought = list(
        GiftCardPurchase.objects.filter(order_line__order__user=user)
        .select_related("card", "order_line__order")
        .order_by("-deliver_on", "-pk")
    )
    return Wallet(store_credit=credit, cards=cards, bought=bought)


def entries_for(*, user):
    """The ledger of the customer's store credit and the gift cards in their wallet, newest first."""
    return WalletEntry.objects.filter(value__holder=user).select_related("value")


def usable_for(*, user):
    """The store credit and gift cards in the customer's wallet that have money on them and have not expired."""
    if not user.is_authenticated:
        return []
    return [
        value
        for value in StoredValue.objects.filter(holder=user, balance__gt=0).order_by("kind", "expires_on", "pk")
        if not value.is_expired()
    ]


def due_purchases(*, today):
    """Ids of bought gift cards due to be sent by `today` and not sent yet."""
    return list(
        GiftCardPurchase.objects.filter(Q(sent_at__isnull=True), deliver_on__lte=today)
        .order_by("deliver_on", "pk")
        .values_list("pk", flat=True)
    )


@dataclass(frozen=True)
class CheckoutOptions:
    holds: list
    usable: list
    card_minimum: Decimal

    @property
    def total(self):
        return sum((hold.amount for hold in self.holds), ZERO)


def checkout_options(*, user, basket):
    """The review page's box: what is set aside for the basket, and the customer's other credit and cards."""
    holds = held_for_basket(basket)
    holding = {hold.value_id for hold in holds}
    usable = [value for value in usable_for(user=user) if value.pk not in holding]
    return CheckoutOptions(holds=holds, usable=usable, card_minimum=card_minimum())


# --- The reconcilers' finders (portal/reconcile.py) ------------------------------------------


def paid_orders_unsettled(*, within=timedelta(days=30)):
    """Ids of orders paid in the last `within` (and still kept) whose wallet task was lost: money
    still only held for them, or a gift card line with no card issued."""
    Order = get_model("order", "Order")
    recent = Order.objects.filter(status__in=PURCHASED, date_placed__gte=timezone.now() - within)
    held = WalletHold.objects.filter(order_number=OuterRef("number"), status=WalletHold.Status.HELD)
    unissued = get_model("order", "Line").objects.filter(
        order=OuterRef("pk"), attributes__option__code=GIFT_CARD_OPTION, gift_card_purchase__isnull=True
    )
    return list(recent.filter(Exists(held) | Exists(unissued)).order_by("pk").values_list("pk", flat=True).distinct())


def closed_orders_not_returned(*, within=timedelta(days=30), limit=200):
    """Numbers of orders cancelled or refunded in the last `within` whose gift card or store credit
    money was never given back (or is still held): the task was lost."""
    Order = get_model("order", "Order")
    closed = Order.objects.filter(status__in=CLOSED, date_placed__gte=timezone.now() - within)
    owed = WalletHold.objects.filter(order_number=OuterRef("number")).filter(
        Q(status=WalletHold.Status.HELD) | Q(status=WalletHold.Status.SPENT, returned__lt=F("amount"))
    )
    return list(closed.filter(Exists(owed)).order_by("pk").values_list("number", flat=True)[:limit])
