"""A dashboard refund and Stripe's refund.created webhook for it, at the same time: one refund
recorded, no deadlock (the webhook arrives while the dashboard still holds the order)."""

import threading
import uuid
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, connections
from django.test import Client

from portal.payments import services
from portal.payments.models import RefundRequest
from tests.helpers import wait_for
from tests.payments.test_stripe_checkout import _no_capture, _signed, confirm_in_browser

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's row locks and real concurrency"),
]


def _another_session_waits_for_a_lock():
    # pg_locks is read live; pg_stat_activity would be a snapshot fixed for this transaction.
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted AND pid <> pg_backend_pid()")
        return cursor.fetchone()[0] > 0


def test_webhook_for_a_refund_still_in_flight_waits_and_records_nothing_twice(
    committed_demo_shop, stripe_mode, stripe_client, monkeypatch
):
    from tests.payments.conftest import Checkout

    shopper = Checkout(Client(), capture_on_commit=_no_capture)
    shopper.add_stocked(quantity=3)
    order = shopper.place_order()
    intent_id = confirm_in_browser(stripe_mode, stripe_client, order)
    [event] = stripe_mode.events_of("payment_intent.succeeded", intent_id)
    shopper.post("/stripe/webhook/", **_signed(stripe_mode, event["id"]))
    source = order.sources.get()
    errors, webhook_answers = [], []

    def webhook(refund):
        try:
            webhook_answers.append(services.record_external_refund(payment_reference=source.reference, refund=refund))
        except Exception as error:  # noqa: BLE001 -- the test reports whatever the webhook hit
            errors.append(error)
        finally:
            connections.close_all()

    real_gateway = services.gateway()

    class WebhookArrivesFirst:
        """Stripe answers the refund and its webhook is handled before refund_order records it."""

        def refund(self, **kwargs):
            refund = real_gateway.refund(**kwargs)
            webhook_thread.append(threading.Thread(target=webhook, args=(refund,)))
            webhook_thread[0].start()
            # The webhook takes what locks it can, then waits for one this request holds.
            wait_for(_another_session_waits_for_a_lock, timeout=10, message="the webhook to wait for a lock")
            return refund

    webhook_thread = []
    monkeypatch.setattr(services, "gateway", WebhookArrivesFirst)
    staff = get_user_model().objects.get(email="admin@atelier.example")

    request = services.refund_order(order=order, amount=Decimal("5.00"), request_token=uuid.uuid4(), user=staff)
    webhook_thread[0].join()

    assert errors == []
    assert webhook_answers == [None]  # already recorded by the dashboard's refund
    assert RefundRequest.objects.get().pk == request.pk
    source.refresh_from_db()
    assert source.amount_refunded == Decimal("5.00")
    assert source.transactions.filter(txn_type="Refund").count() == 1
