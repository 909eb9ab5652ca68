"""One gift card spent in two tabs (or by many requests) at once: real threads, real PostgreSQL row
locks. The card is never spent beyond its balance, and never goes negative."""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import IntegrityError, connection, transaction

from loyalty.wallet.ledger import WalletRefused
from loyalty.wallet.models import StoredValue, WalletHold
from loyalty.wallet.services.checkout import hold_gift_card
from tests.helpers import at_once
from tests.wallet.conftest import make_card

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's row locks and real concurrency"),
]


def tab(basket_id):
    """A basket as the hold sees it: a big order with no gift card in it."""
    return SimpleNamespace(pk=basket_id, total_incl_tax=Decimal("1000.00"), all_lines=list)


def test_two_tabs_spending_one_card_at_once_take_it_once(committed_demo_shop):
    card, code = make_card("40.00")

    outcomes = at_once(lambda basket: hold_gift_card(basket=basket, code=code, amount="40.00"), [tab(1), tab(2)])

    assert sorted(type(outcome).__name__ for outcome in outcomes) == ["WalletHold", "WalletRefused"]
    card.refresh_from_db()
    assert card.balance == Decimal("0.00")
    assert sum(card.entries.values_list("amount", flat=True)) == Decimal("0.00")


def test_many_requests_never_overspend(committed_demo_shop):
    card, code = make_card("100.00")

    outcomes = at_once(
        lambda basket: hold_gift_card(basket=basket, code=code, amount="15.00"), [tab(i) for i in range(12)]
    )

    assert not [o for o in outcomes if isinstance(o, Exception) and not isinstance(o, WalletRefused)]
    assert sum(isinstance(o, WalletHold) for o in outcomes) == 6  # 6 × £15 = £90 of £100
    card.refresh_from_db()
    assert card.balance == Decimal("10.00")
    assert sum(WalletHold.objects.filter(value=card).values_list("amount", flat=True)) == Decimal("90.00")


def test_the_database_refuses_a_negative_balance(committed_demo_shop):
    card, _ = make_card("10.00")
    with pytest.raises(IntegrityError), transaction.atomic():
        StoredValue.objects.filter(pk=card.pk).update(balance=Decimal("-0.01"))
