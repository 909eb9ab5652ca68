"""Checkout on Stripe: the real stripe library over HTTP to the fake server, signed webhooks."""

import contextlib
import json
import threading
import time

import pytest
import stripe
from django.db import connection
from django.test import Client
from oscar.core.loading import get_model

from portal.payments.models import StripeEvent
from portal.payments.services import payment_state
from tests.payments.conftest import WEBHOOK_SECRET

Order = get_model("order", "Order")
Basket = get_model("basket", "Basket")


def confirm_in_browser(fake, stripe_client, order, payment_method="pm_card_visa"):
    """What Stripe.js does on the pay page: confirm the PaymentIntent with the card."""
    intent = fake.payment_intents[-1]
    assert intent["metadata"]["order_number"] == order.number
    # A decline raises; its event is what the tests look at.
    with contextlib.suppress(stripe.CardError):
        stripe_client.v1.payment_intents.confirm(
            intent["id"], params={"payment_method": payment_method, "return_url": "https://shop.example/return"}
        )
    return intent["id"]


@pytest.mark.django_db
class TestPaying:
    def test_order_creates_one_payment_intent_for_the_server_total(self, checkout, stripe_mode):
        checkout.add_configured(finish="steel")
        order = checkout.place_order()

        [intent] = stripe_mode.payment_intents
        assert intent["amount"] == int(order.total_incl_tax * 100)
        assert intent["currency"] == "gbp"
        assert intent["metadata"]["order_number"] == order.number
        posts = [request for request in stripe_mode.requests if request.method == "POST"]
        assert posts and all(request.idempotency_key for request in posts)
        assert posts[0].idempotency_key == f"pi:{order.number}:{intent['amount']}:GBP"

    def test_pay_page_mounts_stripe_elements_with_the_client_secret(self, checkout, stripe_mode):
        checkout.add_stocked()
        order = checkout.place_order()

        html = checkout.client.get(f"/checkout/pay/{order.number}/").content.decode()

        assert "https://js.stripe.com/v3/" in html
        assert stripe_mode.payment_intents[-1]["client_secret"] in html
        assert "Test mode" not in html

    def test_webhook_marks_the_order_paid_even_if_the_browser_never_returns(
        self, checkout, stripe_mode, stripe_client, paid_events, client
    ):
        checkout.add_stocked()
        order = checkout.place_order()
        intent_id = confirm_in_browser(stripe_mode, stripe_client, order)
        [event] = stripe_mode.events_of("payment_intent.succeeded", intent_id)

        response = checkout.post("/stripe/webhook/", **_signed(stripe_mode, event["id"]))

        assert response.status_code == 200
        order.refresh_from_db()
        assert order.status == "Paid"
        assert order.sources.get().amount_debited == order.total_incl_tax
        assert paid_events == [order.number]
        assert StripeEvent.objects.get(event_id=event["id"]).result == "paid"

    def test_replayed_webhook_changes_nothing(self, checkout, stripe_mode, stripe_client, paid_events):
        checkout.add_stocked()
        order = checkout.place_order()
        intent_id = confirm_in_browser(stripe_mode, stripe_client, order)
        [event] = stripe_mode.events_of("payment_intent.succeeded", intent_id)

        for _ in range(3):
            response = checkout.post("/stripe/webhook/", **_signed(stripe_mode, event["id"]))
            assert response.status_code == 200

        assert paid_events == [order.number]
        assert order.payment_events.count() == 1
        assert order.sources.get().transactions.filter(txn_type="Debit").count() == 1

    def test_browser_return_marks_it_paid_and_the_later_webhook_finds_it_done(
        self, checkout, stripe_mode, stripe_client, paid_events
    ):
        checkout.add_stocked()
        order = checkout.place_order()
        intent_id = confirm_in_browser(stripe_mode, stripe_client, order)

        with checkout.capture(execute=True):
            response = checkout.client.get(f"/checkout/return/{order.number}/?payment_intent={intent_id}")
        assert response["Location"] == "/checkout/thank-you/"
        [event] = stripe_mode.events_of("payment_intent.succeeded", intent_id)
        assert checkout.post("/stripe/webhook/", **_signed(stripe_mode, event["id"])).content == b"already-paid"

        assert paid_events == [order.number]

    def test_failure_then_success_after_a_retry(self, checkout, stripe_mode, stripe_client):
        checkout.add_stocked()
        order = checkout.place_order()
        intent_id = confirm_in_browser(stripe_mode, stripe_client, order, "pm_card_chargeDeclined")
        [failed] = stripe_mode.events_of("payment_intent.payment_failed", intent_id)
        checkout.post("/stripe/webhook/", **_signed(stripe_mode, failed["id"]))
        order.refresh_from_db()
        assert order.status == "Payment failed"

        confirm_in_browser(stripe_mode, stripe_client, order)
        [succeeded] = stripe_mode.events_of("payment_intent.succeeded", intent_id)
        checkout.post("/stripe/webhook/", **_signed(stripe_mode, succeeded["id"]))

        order.refresh_from_db()
        assert order.status == "Paid"

    def test_a_late_failure_event_does_not_unpay_a_paid_order(self, checkout, stripe_mode, stripe_client):
        checkout.add_stocked()
        order = checkout.place_order()
        intent_id = confirm_in_browser(stripe_mode, stripe_client, order, "pm_card_chargeDeclined")
        confirm_in_browser(stripe_mode, stripe_client, order)
        [failed] = stripe_mode.events_of("payment_intent.payment_failed", intent_id)
        [succeeded] = stripe_mode.events_of("payment_intent.succeeded", intent_id)

        checkout.post("/stripe/webhook/", **_signed(stripe_mode, succeeded["id"]))
        checkout.post("/stripe/webhook/", **_signed(stripe_mode, failed["id"]))

        order.refresh_from_db()
        assert order.status == "Paid"

    @pytest.mark.parametrize("tamper", ["secret", "stale", "body"])
    def test_bad_signatures_are_refused_and_change_nothing(self, checkout, stripe_mode, stripe_client, tamper, caplog):
        checkout.add_stocked()
        order = checkout.place_order()
        intent_id = confirm_in_browser(stripe_mode, stripe_client, order)
        [event] = stripe_mode.events_of("payment_intent.succeeded", intent_id)
        kwargs = _signed(stripe_mode, event["id"])
        if tamper == "secret":
            kwargs = _signed(stripe_mode, event["id"], secret="whsec_wrong")
        elif tamper == "stale":
            kwargs = _signed(stripe_mode, event["id"], timestamp=time.time() - 600)
        else:
            kwargs["data"] = kwargs["data"].replace(b'"succeeded"', b'"canceled"', 1)

        response = checkout.post("/stripe/webhook/", **kwargs)

        assert response.status_code == 400
        assert not StripeEvent.objects.exists()
        order.refresh_from_db()
        assert order.status == "Pending payment"
        assert "Rejected Stripe webhook" in caplog.text

    def test_unknown_event_types_are_stored_and_acknowledged(self, checkout, stripe_mode, stripe_client):
        checkout.add_stocked()
        order = checkout.place_order()
        confirm_in_browser(stripe_mode, stripe_client, order)
        [charge_event] = stripe_mode.events_of("charge.succeeded")

        response = checkout.post("/stripe/webhook/", **_signed(stripe_mode, charge_event["id"]))

        assert response.status_code == 200
        assert StripeEvent.objects.get(event_id=charge_event["id"]).result.startswith("ignored")

    def test_an_event_with_the_wrong_amount_does_not_mark_the_order_paid(self, checkout, stripe_mode, stripe_client):
        checkout.add_stocked()
        order = checkout.place_order()
        intent_id = confirm_in_browser(stripe_mode, stripe_client, order)
        [event] = stripe_mode.events_of("payment_intent.succeeded", intent_id)
        payload = json.loads(stripe_mode.store.event_payloads[event["id"]])
        payload["data"]["object"]["amount_received"] = 100
        body = json.dumps(payload).encode()

        response = checkout.post("/stripe/webhook/", **_sign_body(body))

        assert response.status_code == 200
        order.refresh_from_db()
        assert order.status == "Pending payment"
        assert "not marked paid" in order.notes.get().message

    def test_stripe_unreachable_keeps_the_basket_and_places_nothing(self, checkout, stripe_mode):
        checkout.add_stocked()
        preview = checkout.to_preview()
        orders_before = Order.objects.count()
        stripe_mode.go_down()

        response = checkout.client.post(
            "/checkout/preview/", {"action": "place_order", "basket_fingerprint": preview.context["basket_fingerprint"]}
        )

        assert response.status_code == 200
        assert "no payment has been taken" in response.content.decode()
        assert Order.objects.count() == orders_before
        assert Basket.objects.filter(status=Basket.OPEN, lines__isnull=False).exists()

    def test_a_server_error_then_success_makes_one_payment_intent(self, checkout, stripe_mode, fast_stripe_retries):
        checkout.add_stocked()
        stripe_mode.fail_next("/v1/payment_intents", status=503)

        checkout.place_order()

        assert len(stripe_mode.payment_intents) == 1


def _signed(fake, event_id, *, secret=WEBHOOK_SECRET, timestamp=None):
    from tests.fakestripe.webhooks import signature_header

    payload = fake.store.event_payloads[event_id]
    header = signature_header(payload, secret, int(timestamp or time.time()))
    return {"data": payload, "content_type": "application/json", "HTTP_STRIPE_SIGNATURE": header}


def _sign_body(body):
    from tests.fakestripe.webhooks import signature_header

    return {
        "data": body,
        "content_type": "application/json",
        "HTTP_STRIPE_SIGNATURE": signature_header(body, WEBHOOK_SECRET, int(time.time())),
    }


@pytest.mark.django_db(transaction=True)
def test_webhook_and_returning_browser_racing_send_order_paid_once(
    committed_demo_shop, stripe_mode, stripe_client, paid_events
):
    from tests.payments.conftest import Checkout

    client = Client()
    shopper = Checkout(client, capture_on_commit=_no_capture)
    shopper.add_stocked()
    order = shopper.place_order()
    intent_id = confirm_in_browser(stripe_mode, stripe_client, order)
    [event] = stripe_mode.events_of("payment_intent.succeeded", intent_id)
    barrier = threading.Barrier(2)
    answers = []

    def webhook():
        barrier.wait()
        answers.append(Client().post("/stripe/webhook/", **_signed(stripe_mode, event["id"])).status_code)
        connection.close()

    def browser():
        barrier.wait()
        answers.append(payment_state.refresh_payment(Order.objects.get(pk=order.pk)).result)
        connection.close()

    threads = [threading.Thread(target=webhook), threading.Thread(target=browser)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    order.refresh_from_db()
    assert order.status == "Paid"
    assert paid_events == [order.number]
    assert order.status_changes.filter(new_status="Paid").count() == 1
    assert 200 in answers


class _NoCapture:
    def __call__(self, execute=True):
        return self

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


_no_capture = _NoCapture()
