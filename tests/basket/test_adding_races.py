"""Two tabs adding the same design at once: the basket's row lock makes the second see the first."""

import threading

import pytest
from django.db import connection
from oscar.core.loading import get_class, get_model

from configurator import services
from tests.helpers import at_once, wait_for

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's row locks and real concurrency"),
]

Basket = get_model("basket", "Basket")
Selector = get_class("partner.strategy", "Selector")


def _basket(pk=None):
    basket = Basket.objects.get(pk=pk) if pk else Basket.objects.create()
    basket.strategy = Selector().strategy()
    return basket


def _someone_waits_on_a_lock():
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
        return cursor.fetchone()[0] > 0


def test_two_tabs_adding_the_same_design_at_once_never_pass_the_limit(committed_demo_shop, monkeypatch):
    basket = _basket()
    services.add_configuration_to_basket(basket=basket, family_slug="printed-tee", values={}, quantity=300)
    real_configure = services.configure
    tab = threading.local()
    checked_the_sum = []

    def configure(**kwargs):
        configuration = real_configure(**kwargs)
        if kwargs.get("quantity") == 450:  # a tab checking 300 in the basket + its 150
            checked_the_sum.append(tab.name)
            # Hold this tab here until the other one has checked the same sum, or is waiting on a lock.
            other = {"first": "second", "second": "first"}[tab.name]
            wait_for(
                lambda: other in checked_the_sum or _someone_waits_on_a_lock(), timeout=20, message="the other tab"
            )
        return configuration

    monkeypatch.setattr(services, "configure", configure)

    def add(name):
        tab.name = name
        services.add_configuration_to_basket(
            basket=_basket(basket.pk), family_slug="printed-tee", values={}, quantity=150
        )
        return "added"

    outcomes = at_once(add, ["first", "second"])

    refused = [outcome for outcome in outcomes if isinstance(outcome, services.InvalidConfiguration)]
    assert outcomes.count("added") == 1 and len(refused) == 1, outcomes
    assert refused[0].in_basket == 450
    assert list(basket.lines.values_list("quantity", flat=True)) == [450]
