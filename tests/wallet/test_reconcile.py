"""A wallet task lost on its way (broker down, worker killed) is found and done again by the
reconcilers: a paid order's holds spent and gift cards issued; a cancelled order's money back."""

from decimal import Decimal

import pytest

from loyalty.wallet.models import GiftCardPurchase, WalletHold
from loyalty.wallet.services import checkout as wallet_checkout
from portal import events
from tests.payments.conftest import reconcile
from tests.wallet.conftest import make_card
from tests.wallet.test_buying import gift_form

pytestmark = pytest.mark.django_db


def test_a_paid_order_whose_wallet_task_was_lost_is_settled_by_the_reconciler(checkout, monkeypatch):
    _card, code = make_card("30.00")
    checkout.client.post("/gift-cards/", gift_form())
    checkout.add_stocked(upc="ATL-FILTER", quantity=4)
    checkout.to_preview()
    checkout.client.post("/checkout/gift-card/", {"code": code, "next": "/checkout/preview/"})
    monkeypatch.setattr(events, "settle_wallet", lambda order_id: None)  # the task never reached a worker
    order = checkout.place_order()
    checkout.pay_demo(order)
    assert WalletHold.objects.get(order_number=order.number).status == "held"
    assert not GiftCardPurchase.objects.filter(order_line__order=order).exists()
    monkeypatch.undo()

    assert reconcile("wallet-paid-orders") == 1
    assert WalletHold.objects.get(order_number=order.number).status == "spent"
    assert GiftCardPurchase.objects.filter(order_line__order=order).count() == 1
    assert reconcile("wallet-paid-orders") == 0


def test_a_cancelled_order_whose_money_never_came_back_gets_it_from_the_reconciler(checkout, demo_mode):
    card, code = make_card("30.00")
    checkout.add_stocked(upc="ATL-FILTER", quantity=4)
    checkout.to_preview()
    checkout.client.post("/checkout/gift-card/", {"code": code, "next": "/checkout/preview/"})
    order = checkout.place_order()
    checkout.pay_demo(order)
    # Cancelled by staff in a way that lost the task: the status without its effect.
    type(order).objects.filter(pk=order.pk).update(status="Cancelled")
    assert card.entries.count() == 2

    assert reconcile("wallet-returns") == 1
    card.refresh_from_db()
    assert card.balance == Decimal("30.00")
    assert reconcile("wallet-returns") == 0
    assert wallet_checkout.release_for_order(order_number=order.number, why="again") == []
