"""Loyalty tests read the demo programme (tiers, rules, the shoppers' orders and points)."""

import pytest
from django.contrib.auth import get_user_model
from oscar.core.loading import get_model

from loyalty.models import LedgerEntry, LoyaltyAccount, ProgrammeRules

Order = get_model("order", "Order")


@pytest.fixture
def shopper(db):
    """A shopper with no history: every point in these tests is one the test gave."""
    return get_user_model().objects.create_user(email="dora@example.com", password="x-long-password-1")


@pytest.fixture
def rules(db):
    return ProgrammeRules.current()


def ledger_rows(user):
    return list(LedgerEntry.objects.filter(account__user=user).order_by("pk").values_list("kind", "bucket", "points"))


def balances(user):
    account = LoyaltyAccount.objects.get(user=user)
    return account.available, account.pending


@pytest.fixture
def paid_order(db, shopper):
    """A paid order of £100 (two lines) for `shopper`, built from a demo order's lines."""
    from tests.loyalty.orders import make_paid_order

    return make_paid_order(shopper, total="100.00")
