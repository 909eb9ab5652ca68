"""Loyalty tests read the demo programme (tiers, rules) and make their own shoppers and orders."""

import pytest

from loyalty.models import LedgerEntry, LoyaltyAccount, ProgrammeRules
from tests.factories import CustomerFactory, OrderFactory


@pytest.fixture
def shopper(db):
    """A shopper with no history: every point in these tests is one the test gave."""
    return CustomerFactory()


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
    """A paid order of £100 (one line) for `shopper`."""
    return OrderFactory(user=shopper, total="100.00")
