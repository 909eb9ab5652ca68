"""A paid order's effects are dispatched after commit, each on its own: a broker refusing one
is logged, and the others still go."""

import logging
from decimal import Decimal

import pytest
from kombu.exceptions import OperationalError

from analytics import tasks as analytics_tasks
from analytics.models import LineCost
from loyalty import tasks as loyalty_tasks
from portal import events
from portal.documents import tasks as document_tasks
from production import tasks as production_tasks

pytestmark = pytest.mark.django_db

REFUSED = OperationalError("[Errno 111] Connection refused")


@pytest.fixture
def dispatched(monkeypatch):
    """What each effect's task was sent (not run); the confirmation's broker refuses it."""
    sent = []

    def refuse(*args, **kwargs):
        raise REFUSED

    monkeypatch.setattr(document_tasks.send_order_confirmation, "delay", refuse)
    monkeypatch.setattr(
        production_tasks.release_paid_order, "delay", lambda *args, **kwargs: sent.append(("release", args, kwargs))
    )
    monkeypatch.setattr(loyalty_tasks.earn_for_paid_order, "delay", lambda *args: sent.append(("earn", args)))
    monkeypatch.setattr(analytics_tasks.freeze_order_costs, "delay", lambda *args: sent.append(("costs", args)))
    return sent


def test_a_refused_dispatch_is_logged_and_the_other_effects_still_go(checkout, demo_mode, dispatched, caplog):
    checkout.add_stocked()
    order = checkout.place_order()

    with caplog.at_level(logging.ERROR, logger="portal.events"):
        response = checkout.pay_demo(order)

    assert response["Location"] == "/checkout/thank-you/"
    order.refresh_from_db()
    assert order.status == "Paid"
    assert dispatched == [
        ("release", (order.pk,), {"customer_weight": 1}),
        ("earn", (order.pk, order.number)),
        ("costs", (order.pk,)),
    ]
    [record] = [r for r in caplog.records if r.name == "portal.events"]
    assert record.getMessage() == (
        f"Order {order.number}: send_confirmation was not dispatched (portal/reconcile.py finds it missing)"
    )
    assert record.exc_info[1] is REFUSED


def test_the_effects_wait_for_the_commit(checkout, demo_mode, dispatched):
    checkout.add_stocked()
    order = checkout.place_order()

    with checkout.capture(execute=False) as callbacks:
        events.order_paid(order)
    assert len(callbacks) == 6  # one per effect, each waiting for the commit

    assert dispatched == []


def test_a_refund_dispatches_the_invoice_and_the_points_reversal(checkout, demo_mode, monkeypatch):
    checkout.add_stocked()
    order = checkout.place_order()
    sent = []
    monkeypatch.setattr(document_tasks.render_invoice, "delay", lambda *args: sent.append(("invoice", args)))
    monkeypatch.setattr(loyalty_tasks.reverse_for_refund, "delay", lambda *args: sent.append(("reverse", args)))

    with checkout.capture(execute=True):
        events.order_refunded(order, order.total_incl_tax, "re_1")

    assert sent == [("invoice", (order.pk,)), ("reverse", (order.pk, str(order.total_incl_tax), "re_1"))]


def test_an_order_paid_at_the_checkout_has_its_line_costs_frozen(checkout, demo_mode):
    checkout.add_configured("printed-tote", print_text="Allotment", ink="clay")
    checkout.add_stocked("ATL-FILTER", quantity=2)
    order = checkout.place_order()
    assert not LineCost.objects.filter(order=order).exists()  # placed, not paid: nothing is costed

    checkout.pay_demo(order)

    costs = {cost.family_slug or "stocked": cost for cost in LineCost.objects.filter(order=order)}
    assert set(costs) == {"printed-tote", "stocked"}
    assert costs["stocked"].materials_per_unit == Decimal("11.4000")  # the demo's cost of a filter
    assert costs["printed-tote"].materials_per_unit == Decimal("5.2000")
    assert costs["printed-tote"].labour_per_unit > 0
    assert all(cost.is_complete for cost in costs.values())
