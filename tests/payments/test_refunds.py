"""Refunds from the dashboard, through the gateway, once per click, with the right permission."""

import uuid
from decimal import Decimal

import pytest
from django.test import Client
from oscar.core.loading import get_model

from portal.payments.models import RefundRequest
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db
User = get_model("users", "User")


@pytest.fixture
def paid_order(checkout, stripe_mode, stripe_client):
    from tests.payments.test_stripe_checkout import _signed, confirm_in_browser

    checkout.add_stocked(quantity=3)  # 87.00, free delivery
    order = checkout.place_order()
    intent_id = confirm_in_browser(stripe_mode, stripe_client, order)
    [event] = stripe_mode.events_of("payment_intent.succeeded", intent_id)
    checkout.post("/stripe/webhook/", **_signed(stripe_mode, event["id"]))
    order.refresh_from_db()
    assert order.status == "Paid"
    return order


def staff(checkout, email="admin@atelier.example"):
    client = Client()
    client.force_login(User.objects.get(email=email))
    return client


def refund(checkout, client, order, amount, token=None):
    with checkout.capture(execute=True):
        return client.post(
            f"/dashboard/orders/{order.number}/refund/",
            {"amount": amount, "reason": "Scratched door", "token": token or uuid.uuid4()},
        )


def test_partial_refund_goes_through_stripe_and_is_shown_on_the_order(
    checkout, paid_order, stripe_mode, refunded_events
):
    admin = staff(checkout)

    response = refund(checkout, admin, paid_order, "20.00")

    assert response["Location"] == f"/dashboard/orders/{paid_order.number}/"
    [stripe_refund] = stripe_mode.refunds
    assert stripe_refund["amount"] == 2000
    assert stripe_mode.requests_to("POST", "/v1/refunds")[0].idempotency_key.startswith(f"refund:{paid_order.number}:")
    paid_order.refresh_from_db()
    assert paid_order.status == "Paid"
    assert paid_order.sources.get().amount_refunded == Decimal("20.00")
    assert paid_order.notes.filter(message__startswith="Refunded 20.00 GBP by").exists()
    assert refunded_events == [(paid_order.number, Decimal("20.00"))]
    html = admin.get(f"/dashboard/orders/{paid_order.number}/").content.decode()
    assert "Payment and refunds" in html and "£20.00" in html


def test_full_refund_moves_the_order_to_refunded(checkout, paid_order):
    refund(checkout, staff(checkout), paid_order, str(paid_order.total_incl_tax))

    paid_order.refresh_from_db()
    assert paid_order.status == "Refunded"


def test_double_clicked_refund_refunds_once(checkout, paid_order, stripe_mode):
    admin, token = staff(checkout), uuid.uuid4()

    refund(checkout, admin, paid_order, "10.00", token)
    refund(checkout, admin, paid_order, "10.00", token)

    assert len(stripe_mode.refunds) == 1
    assert RefundRequest.objects.count() == 1
    assert paid_order.sources.get().amount_refunded == Decimal("10.00")


def test_refund_above_what_is_left_is_refused(checkout, paid_order, stripe_mode):
    response = refund(checkout, staff(checkout), paid_order, "500.00")

    assert response.status_code == 302
    assert not stripe_mode.refunds
    assert paid_order.sources.get().amount_refunded == 0


@pytest.mark.parametrize("email", [None, "planner@atelier.example"])  # a customer, staff who may not refund
def test_only_staff_allowed_to_refund_can(checkout, paid_order, stripe_mode, email):
    person = User.objects.get(email=email) if email else CustomerFactory()
    client = Client()
    client.force_login(person)

    response = refund(checkout, client, paid_order, "10.00")

    assert response.status_code == 403
    assert not stripe_mode.refunds


def test_refund_made_in_stripes_dashboard_is_recorded_once(checkout, paid_order, stripe_mode, stripe_client):
    from tests.payments.test_stripe_checkout import _signed

    stripe_client.v1.refunds.create(params={"payment_intent": paid_order.sources.get().reference, "amount": 500})
    [event] = stripe_mode.events_of("refund.created")

    for _ in range(2):
        checkout.post("/stripe/webhook/", **_signed(stripe_mode, event["id"]))

    assert paid_order.sources.get().amount_refunded == Decimal("5.00")
    assert paid_order.sources.get().transactions.filter(txn_type="Refund").count() == 1


def test_invoice_shows_the_refund(checkout, paid_order):
    from tests.payments.test_demo_checkout import pdf_text

    refund(checkout, staff(checkout), paid_order, "20.00")

    text = pdf_text(staff(checkout).get(f"/orders/{paid_order.number}/invoice.pdf").content)
    assert "PARTLY REFUNDED" in text.upper()
    assert "20.00" in text


def test_a_refund_stripe_answers_with_a_card_error_is_refused_in_words_and_can_be_tried_again(
    checkout, paid_order, stripe_mode
):
    admin = staff(checkout)
    stripe_mode.fail_next("/v1/refunds", status=402)

    response = refund(checkout, admin, paid_order, "20.00")

    assert response.status_code == 302  # back to the order with the reason, not a server error
    assert not stripe_mode.refunds
    assert not RefundRequest.objects.exists()
    refund(checkout, admin, paid_order, "20.00")
    assert len(stripe_mode.refunds) == 1
