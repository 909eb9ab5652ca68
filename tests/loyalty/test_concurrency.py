"""Two checkouts at once cannot spend the same points: real threads, real PostgreSQL row locks."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from oscar.core.loading import get_class, get_model

from loyalty.ledger import PointsRefused
from loyalty.models import LedgerEntry, LoyaltyAccount, PointsHold
from loyalty.services.holds import hold_points
from loyalty.services.staff import adjust_points
from tests.helpers import at_once

Basket = get_model("basket", "Basket")
Product = get_model("catalogue", "Product")
Selector = get_class("partner.strategy", "Selector")

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's row locks and real concurrency"),
]


def basket_for(user):
    basket = Basket.objects.create(owner=user)
    basket.strategy = Selector().strategy(user=user)
    basket.add_product(Product.objects.get(upc="ATL-FILTER"), 10)  # £290: up to 14,500 points
    return basket


def test_concurrent_checkouts_cannot_overspend(committed_demo_shop, admin_user):
    user = get_user_model().objects.create_user(email="racer@example.com", password="x-long-password-9")
    adjust_points(user_id=user.pk, points=1000, reason="Race balance", staff=admin_user)
    baskets = [basket_for(user) for _ in range(12)]

    outcomes = at_once(lambda basket: hold_points(user=user, basket=basket, points=500), baskets)

    assert not [o for o in outcomes if isinstance(o, Exception) and not isinstance(o, PointsRefused)]
    assert sum(isinstance(o, PointsHold) for o in outcomes) == 2
    assert LoyaltyAccount.objects.get(user=user).available == 0
    assert PointsHold.objects.filter(account__user=user, status="held").count() == 2
    entries = LedgerEntry.objects.filter(account__user=user)
    assert sum(entries.values_list("points", flat=True)) == 0
    assert Decimal(entries.filter(kind="redeem").count()) == 2
