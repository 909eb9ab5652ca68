"""Gift cards for the wallet's tests: made the way a paid order makes them, with a known code."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from loyalty.wallet import codes
from loyalty.wallet.ledger import post
from loyalty.wallet.models import StoredValue, WalletEntry
from tests.payments.conftest import checkout, demo_mode  # noqa: F401 -- the payments suite's checkout driver


def make_card(amount="50.00", *, expires_in_days=365, holder=None):
    """(card, code): a gift card with `amount` on it, as if sent today."""
    code = codes.new_code()
    with transaction.atomic():
        card = StoredValue.objects.create(
            kind=StoredValue.Kind.GIFT_CARD,
            code_digest=codes.digest(code),
            code_hint=codes.hint(code),
            initial_amount=Decimal(amount),
            holder=holder,
            expires_on=timezone.localdate() + timedelta(days=expires_in_days),
        )
        post(card, kind=WalletEntry.Kind.ISSUE, amount=Decimal(amount), reason="Test card", key=f"test:{card.pk}")
    return card, code


@pytest.fixture
def gift_card():
    return make_card
