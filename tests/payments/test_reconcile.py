"""The table of reconcilers (portal/reconcile.py): one beat entry, each row at its own period, each
row and each cause on its own, and a paid order whose every task was lost made whole."""

import logging
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.core import mail
from oscar.core.loading import get_model

from loyalty.models import PendingEarn, RefundApplied
from portal import reconcile
from portal.payments.gateways import GatewayUnavailable
from portal.payments.services import refunds
from production.models import WorkOrder
from tests.factories import CustomerFactory
from tests.payments.test_beat_jobs import paid_ago

pytestmark = pytest.mark.django_db
Order = get_model("order", "Order")

AN_HOUR_OF_TICKS = [datetime(2026, 3, 2, 9, 2, tzinfo=UTC) + timedelta(minutes=5 * n) for n in range(12)]
ON_THE_HOUR = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)  # every row is due


def test_one_beat_entry_runs_every_reconciler():
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert settings.CELERY_BEAT_SCHEDULE["reconcile"] == {"task": "portal.tasks.reconcile", "schedule": 300.0}
    assert not tasks & {
        "portal.payments.tasks.reconcile_pending_payments",
        "portal.payments.tasks.resend_missing_confirmations",
        "production.tasks.release_missing_work_orders",
        "loyalty.tasks.reconcile_missing_points",
    }
    assert [r.name for r in reconcile.RECONCILERS] == [
        "payments",
        "kept-stripe-events",
        "confirmations",
        "work-orders",
        "points",
        "line-costs",
        "points-reversals",
        "cancellation-refunds",
        "cancellation-mails",
        "claim-refunds",
        "claim-mails",
        "survey-tickets",
        "care-reply-mails",
        "case-article-thanks",
        "wallet-paid-orders",
        "wallet-returns",
        "referrals",
        "design-change-payments",
        "design-change-followups",
        "design-change-refunds",
        "delivery-bookings",
    ]


def test_each_row_is_due_at_its_own_period():
    runs = {r.name: sum(reconcile.is_due(r, now) for now in AN_HOUR_OF_TICKS) for r in reconcile.RECONCILERS}

    assert runs == {
        "payments": 12,
        "kept-stripe-events": 12,
        "confirmations": 6,
        "work-orders": 6,
        "points": 4,
        "line-costs": 4,
        "points-reversals": 4,
        "cancellation-refunds": 4,
        "cancellation-mails": 6,
        "claim-refunds": 4,
        "claim-mails": 6,
        "survey-tickets": 6,
        "care-reply-mails": 6,
        "case-article-thanks": 4,
        "wallet-paid-orders": 4,
        "wallet-returns": 4,
        "referrals": 4,
        "design-change-payments": 6,
        "design-change-followups": 6,
        "design-change-refunds": 4,
        "delivery-bookings": 4,
    }


def row(name="test", causes=(1, 2, 3), redo=None, **kwargs):
    return reconcile.Reconciler(name, finds=lambda: list(causes), redo=redo, every=5, **kwargs)


def test_a_cause_that_fails_is_logged_and_the_others_are_done(caplog):
    done = []

    def redo(cause):
        if cause == 2:
            raise ValueError("broken routing")
        done.append(cause)

    with caplog.at_level(logging.ERROR, logger="portal.reconcile"):
        assert reconcile.run_one(row(redo=redo)) == 2

    assert done == [1, 3]
    assert [r.getMessage() for r in caplog.records] == ["Reconciler test failed for 2; the others go on"]


def test_a_service_down_three_times_in_a_row_ends_the_rows_run(caplog):
    asked = []

    def redo(cause):
        asked.append(cause)
        if cause != 2:
            raise GatewayUnavailable("Stripe: connection refused")

    with caplog.at_level(logging.WARNING, logger="portal.reconcile"):
        done = reconcile.run_one(row(causes=range(1, 10), redo=redo, unavailable=GatewayUnavailable))

    assert (done, asked) == (1, [1, 2, 3, 4, 5])  # a success in between starts the count again
    assert [r.getMessage() for r in caplog.records] == [
        "Reconciler test stopped: Stripe: connection refused (the next run tries again)"
    ]


def test_a_row_whose_finder_fails_does_not_stop_the_others(monkeypatch, caplog):
    def broken():
        raise RuntimeError("relation does not exist")

    failing = reconcile.Reconciler("broken", finds=broken, redo=print, every=5)
    monkeypatch.setattr(reconcile, "RECONCILERS", (failing, row(redo=lambda cause: None)))

    with caplog.at_level(logging.ERROR, logger="portal.reconcile"):
        assert reconcile.run(now=ON_THE_HOUR) == {"test": 3}

    assert [r.getMessage() for r in caplog.records] == ["Reconciler broken failed"]


def test_a_paid_order_whose_every_task_was_lost_is_made_whole(checkout, demo_mode):
    checkout.client.force_login(CustomerFactory())
    checkout.add_configured(hinge="left")
    order = checkout.place_order()
    checkout.client.post(f"/checkout/pay/{order.number}/", {"card_number": "4242424242424242"})  # no on-commit
    paid_ago(order, minutes=11)
    assert (mail.outbox, WorkOrder.objects.filter(order=order).count()) == ([], 0)
    assert not PendingEarn.objects.filter(order_number=order.number).exists()

    for _ in range(2):
        reconcile.run(now=ON_THE_HOUR)

    assert [message.subject for message in mail.outbox] == [f"Confirmation of order {order.number}"]
    assert WorkOrder.objects.filter(order=order).count() == 1
    assert PendingEarn.objects.get(order_number=order.number).points > 0


def test_a_refund_whose_points_reversal_was_lost_is_reversed_once(checkout, demo_mode):
    checkout.client.force_login(CustomerFactory())
    checkout.add_stocked(quantity=3)
    order = checkout.place_order()
    checkout.pay_demo(order)  # paid, points earned
    earned = PendingEarn.objects.get(order_number=order.number)
    refunds.refund_order(order=order, amount=order.total_incl_tax, request_token=uuid.uuid4())  # no on-commit
    assert not RefundApplied.objects.filter(order_number=order.number).exists()

    assert reconcile.run_one(reconcile.by_name("points-reversals")) == 1
    assert reconcile.run_one(reconcile.by_name("points-reversals")) == 0

    [applied] = RefundApplied.objects.filter(order_number=order.number)
    assert applied.amount == order.total_incl_tax
    earned.refresh_from_db()
    assert (earned.reversed_points, earned.remaining) == (earned.points, 0)
