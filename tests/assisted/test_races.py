"""Two agents sending one basket at once, a customer accepting in two tabs at once: the row lock lets one through."""

import threading
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection

from portal.assisted import services
from portal.assisted.models import AssistedBasket
from tests.factories import CustomerFactory, StaffFactory, StockedProductFactory
from tests.helpers import at_once, wait_for

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's row locks and real concurrency"),
]


def _someone_waits_on_a_lock():
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
        return cursor.fetchone()[0] > 0


def _hold_until_the_other_arrives(monkeypatch, name):
    """Patch services.`name` so each thread waits in it for the other one, or for the other to wait on a lock."""
    real = getattr(services, name)
    tab = threading.local()
    arrived = []

    def held(*args, **kwargs):
        # Only each racing thread's first call waits: the pay-link mail, run eagerly after commit,
        # prices the basket again, and a thread that is not racing (no name) never waits.
        if getattr(tab, "held", True) is False or not hasattr(tab, "name"):
            return real(*args, **kwargs)
        tab.held = False
        arrived.append(tab.name)
        other = {"first": "second", "second": "first"}[tab.name]
        wait_for(lambda: other in arrived or _someone_waits_on_a_lock(), timeout=20, message="the other tab")
        return real(*args, **kwargs)

    monkeypatch.setattr(services, name, held)
    return tab


@pytest.fixture
def basket_to_send(committed_demo_shop):
    customer = CustomerFactory()
    assisted, _created = services.start_basket(customer=customer, staff=StaffFactory())
    services.add_stocked_product(assisted=assisted, product=StockedProductFactory(price=Decimal("12.00")), quantity=1)
    return assisted


def test_two_agents_sending_at_once_send_one_email(basket_to_send, monkeypatch):
    tab = _hold_until_the_other_arrives(monkeypatch, "priced")
    mail.outbox.clear()

    def send(name):
        tab.name = name
        return services.send_for_payment(assisted=basket_to_send, staff=None)[1]

    outcomes = at_once(send, ["first", "second"])

    assert sorted(outcomes) == [False, True], outcomes
    assert len(mail.outbox) == 1


def test_two_tabs_accepting_at_once_accept_once(basket_to_send, monkeypatch):
    assisted, _sent = services.send_for_payment(assisted=basket_to_send, staff=None)
    tab = _hold_until_the_other_arrives(monkeypatch, "check_link")

    def accept(name):
        tab.name = name
        return services.accept(assisted=assisted, user=assisted.customer)

    outcomes = at_once(accept, ["first", "second"])

    refused = [outcome for outcome in outcomes if isinstance(outcome, services.LinkRefused)]
    assert outcomes.count(0) == 1 and [refusal.kind for refusal in refused] == ["accepted"], outcomes
    assert AssistedBasket.objects.get(pk=assisted.pk).state == AssistedBasket.State.ACCEPTED
