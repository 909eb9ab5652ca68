"""A dashboard refund and Stripe's refund.created webhook for it, at the same time: one refund
recorded, with who asked for it and why, and the order never locked while Stripe is asked."""

import uuid
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from oscar.core.loading import get_model

from portal.payments.models import RefundRequest
from portal.payments.services import refunds
from tests.helpers import lockable_elsewhere
from tests.payments.test_stripe_checkout import _no_capture, _signed, confirm_in_browser

Order = get_model("order", "Order")


def _paid_order(shopper, stripe_mode, stripe_client):
    shopper.add_stocked(quantity=3)
    order = shopper.place_order()
    intent_id = confirm_in_browser(stripe_mode, stripe_client, order)
    [event] = stripe_mode.events_of("payment_intent.succeeded", intent_id)
    shopper.post("/stripe/webhook/", **_signed(stripe_mode, event["id"]))
    return order


def _gateway_that(monkeypatch, then):
    """The real gateway, with `then(refund)` run after Stripe answers and before refund_order goes on."""
    real_gateway = refunds.gateway()

    class Gateway:
        def refund(self, **kwargs):
            refund = real_gateway.refund(**kwargs)
            then(refund)
            return refund

    monkeypatch.setattr(refunds, "gateway", Gateway)


@pytest.mark.django_db
def test_a_refund_whose_webhook_comes_before_stripes_answer_is_recorded_once_with_who_and_why(
    checkout, stripe_mode, stripe_client, monkeypatch
):
    order = _paid_order(checkout, stripe_mode, stripe_client)
    answers = []

    def webhook_arrives(refund):
        [event] = stripe_mode.events_of("refund.created", refund.reference)
        answers.append(Client().post("/stripe/webhook/", **_signed(stripe_mode, event["id"])).content)

    _gateway_that(monkeypatch, webhook_arrives)
    staff = get_user_model().objects.get(email="admin@atelier.example")

    request = refunds.refund_order(
        order=order, amount=Decimal("5.00"), request_token=uuid.uuid4(), user=staff, reason="Scratched door"
    )

    assert answers == [b"refund recorded"]
    source = order.sources.get()
    assert source.amount_refunded == Decimal("5.00")
    assert source.transactions.filter(txn_type="Refund").count() == 1
    assert request.gateway_reference == stripe_mode.refunds[0]["id"]
    [note] = order.notes.filter(message__startswith="Refunded").values_list("message", flat=True)
    assert note == f"Refunded 5.00 GBP by {staff.get_full_name() or staff.email}. Reason: Scratched door"


@pytest.mark.django_db
def test_a_second_refund_while_the_first_is_at_stripe_counts_the_first(
    checkout, stripe_mode, stripe_client, monkeypatch
):
    order = _paid_order(checkout, stripe_mode, stripe_client)  # 87.00
    refused = []

    def second_click_meanwhile(refund):
        try:
            refunds.refund_order(order=order, amount=Decimal("80.00"), request_token=uuid.uuid4())
        except refunds.RefundRefused as error:
            refused.append(str(error))

    _gateway_that(monkeypatch, second_click_meanwhile)

    refunds.refund_order(order=order, amount=Decimal("80.00"), request_token=uuid.uuid4())

    assert refused == ["Only 7.00 GBP is left to refund."]
    assert len(stripe_mode.refunds) == 1
    assert RefundRequest.objects.count() == 1


@pytest.mark.django_db
def test_a_refund_stripe_refuses_leaves_no_request_and_can_be_tried_again(checkout, stripe_mode, stripe_client):
    order = _paid_order(checkout, stripe_mode, stripe_client)
    token = uuid.uuid4()
    stripe_mode.go_down()

    with pytest.raises(refunds.RefundRefused):
        refunds.refund_order(order=order, amount=Decimal("5.00"), request_token=token)
    assert not RefundRequest.objects.exists()

    stripe_mode.come_back()
    refunds.refund_order(order=order, amount=Decimal("5.00"), request_token=token)
    assert order.sources.get().amount_refunded == Decimal("5.00")


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's row locks and real concurrency")
def test_the_order_is_not_locked_while_stripe_is_asked_for_a_refund(
    committed_demo_shop, stripe_mode, stripe_client, monkeypatch
):
    from tests.payments.conftest import Checkout

    order = _paid_order(Checkout(Client(), capture_on_commit=_no_capture), stripe_mode, stripe_client)
    seen = []

    def another_request_takes_the_order(refund):
        seen.append(lockable_elsewhere(Order, order.pk))

    _gateway_that(monkeypatch, another_request_takes_the_order)

    refunds.refund_order(order=order, amount=Decimal("5.00"), request_token=uuid.uuid4())

    assert seen == ["free"]
    assert order.sources.get().amount_refunded == Decimal("5.00")
