"""Webhooks: signed exactly as stripe-python verifies, delivered automatically or by hand."""

import json

import pytest
import requests
import stripe

from tests.fakestripe.receiver import WebhookReceiver

SECRET = "whsec_atelier_test_secret"
RETURN_URL = "http://127.0.0.1:8000/checkout/pay/return/"


def pay(client, payment_method="pm_card_visa"):
    return client.v1.payment_intents.create(
        params={
            "amount": 1800,
            "currency": "eur",
            "payment_method": payment_method,
            "confirm": True,
            "return_url": RETURN_URL,
        }
    )


def test_automatic_deliveries_are_signed_for_the_real_library(stripe_client, fake_stripe, webhook_receiver):
    fake_stripe.add_webhook(webhook_receiver.url, SECRET)

    intent = pay(stripe_client)
    deliveries = fake_stripe.wait_for_deliveries()

    assert [d.event_type for d in deliveries] == [
        "payment_intent.created",
        "charge.succeeded",
        "payment_intent.succeeded",
    ]
    assert all(d.status == 200 for d in deliveries)
    received = webhook_receiver.received[-1]
    event = stripe.Webhook.construct_event(received.body, received.signature, SECRET)
    assert isinstance(event, stripe.Event)
    assert event.type == "payment_intent.succeeded"
    assert event.data.object.id == intent.id
    assert stripe_client.construct_event(received.body, received.signature, SECRET).id == event.id
    assert received.headers["Content-Type"].startswith("application/json")
    # Delivered everywhere it was due: the event no longer counts as pending.
    assert stripe_client.v1.events.retrieve(event.id).pending_webhooks == 0


def test_the_library_rejects_a_wrong_secret_and_a_stale_timestamp(stripe_client, fake_stripe, webhook_receiver):
    fake_stripe.add_webhook(webhook_receiver.url, SECRET)
    fake_stripe.auto_deliver = False
    pay(stripe_client)
    event_id = fake_stripe.events[-1]["id"]

    fake_stripe.deliver(event_id, secret="whsec_wrong")
    fake_stripe.deliver(event_id, stale_timestamp=True)

    forged, stale = webhook_receiver.received
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(forged.body, forged.signature, SECRET)
    with pytest.raises(stripe.SignatureVerificationError, match="tolerance"):
        stripe.Webhook.construct_event(stale.body, stale.signature, SECRET)
    # The stale one is correctly signed; only its age is wrong.
    assert stripe.Webhook.construct_event(stale.body, stale.signature, SECRET, tolerance=None).id == event_id


def test_an_endpoint_that_checks_signatures_answers_400_to_bad_ones(stripe_client, fake_stripe):
    with WebhookReceiver(secret=SECRET) as checking:
        fake_stripe.add_webhook(checking.url, SECRET)
        fake_stripe.auto_deliver = False
        pay(stripe_client)
        event_id = fake_stripe.events[-1]["id"]

        assert fake_stripe.deliver(event_id) == [200]
        assert fake_stripe.deliver(event_id, secret="whsec_wrong") == [400]
        assert fake_stripe.deliver(event_id, stale_timestamp=True) == [400]


def test_failed_deliveries_are_retried_until_a_2xx(stripe_client, fake_stripe, webhook_receiver):
    fake_stripe.add_webhook(webhook_receiver.url, SECRET, events=["payment_intent.succeeded"])
    webhook_receiver.respond_with(500, 503)

    pay(stripe_client)
    deliveries = fake_stripe.wait_for_deliveries()

    assert [(d.attempt, d.status) for d in deliveries] == [(1, 500), (2, 503), (3, 200)]
    assert len({r.body for r in webhook_receiver.received}) == 1  # the same bytes every time
    assert fake_stripe.pending_deliveries() == []


def test_an_unreachable_endpoint_is_retried_then_given_up(stripe_client, fake_stripe, webhook_receiver, monkeypatch):
    monkeypatch.setattr(fake_stripe.dispatcher, "retry_delays", (0.01, 0.02, 0.04))
    webhook_receiver.stop()  # nothing listens there any more
    fake_stripe.add_webhook(webhook_receiver.url, SECRET, events=["payment_intent.succeeded"])

    pay(stripe_client)
    deliveries = fake_stripe.wait_for_deliveries()

    assert [d.status for d in deliveries] == [None, None, None, None]
    assert all("Connection" in d.error for d in deliveries)
    succeeded = fake_stripe.events_of("payment_intent.succeeded")[0]
    assert succeeded["pending_webhooks"] == 1
    assert [e.id for e in stripe_client.v1.events.list(params={"delivery_success": False}).data] == [succeeded["id"]]


def test_manual_mode_sends_nothing_until_asked_and_duplicates_on_request(stripe_client, fake_stripe, webhook_receiver):
    fake_stripe.add_webhook(webhook_receiver.url, SECRET, events=["payment_intent.*"])
    fake_stripe.auto_deliver = False

    pay(stripe_client)
    fake_stripe.wait_for_deliveries()
    assert webhook_receiver.received == []
    succeeded = fake_stripe.events_of("payment_intent.succeeded")[0]

    assert fake_stripe.deliver(succeeded["id"], times=2) == [200, 200]

    first, second = webhook_receiver.received
    assert first.body == second.body
    assert json.loads(first.body)["id"] == succeeded["id"]
    assert [event_id for event_id, _ in fake_stripe.pending_deliveries()] == [fake_stripe.events[0]["id"]]


def test_deliver_pending_sends_each_outstanding_event_once_in_order(stripe_client, fake_stripe, webhook_receiver):
    fake_stripe.add_webhook(webhook_receiver.url, SECRET)
    fake_stripe.auto_deliver = False
    pay(stripe_client)

    assert fake_stripe.deliver_pending() == [200, 200, 200]
    assert webhook_receiver.event_types() == fake_stripe.event_types()
    assert fake_stripe.deliver_pending() == []


def test_deliver_out_of_order(stripe_client, fake_stripe, webhook_receiver):
    fake_stripe.add_webhook(webhook_receiver.url, SECRET, events=["payment_intent.*"])
    fake_stripe.auto_deliver = False
    intent = pay(stripe_client)
    created = fake_stripe.events_of("payment_intent.created", intent.id)[0]["id"]
    succeeded = fake_stripe.events_of("payment_intent.succeeded", intent.id)[0]["id"]

    assert fake_stripe.deliver_out_of_order([succeeded, created]) == [200, 200]
    assert webhook_receiver.event_types() == ["payment_intent.succeeded", "payment_intent.created"]

    webhook_receiver.received.clear()
    fake_stripe.reset()
    fake_stripe.add_webhook(webhook_receiver.url, SECRET, events=["payment_intent.*"])
    fake_stripe.auto_deliver = False
    pay(stripe_client)
    assert fake_stripe.deliver_out_of_order() == [200, 200]
    assert webhook_receiver.event_types() == ["payment_intent.succeeded", "payment_intent.created"]


def test_overrides_send_a_signed_event_with_a_wrong_amount(stripe_client, fake_stripe, webhook_receiver):
    fake_stripe.add_webhook(webhook_receiver.url, SECRET)
    fake_stripe.auto_deliver = False
    pay(stripe_client)
    succeeded = fake_stripe.events_of("payment_intent.succeeded")[0]["id"]

    fake_stripe.deliver(succeeded, overrides={"amount_received": 1})

    received = webhook_receiver.received[0]
    event = stripe.Webhook.construct_event(received.body, received.signature, SECRET)
    assert event.data.object.amount_received == 1
    assert fake_stripe.get(succeeded)["data"]["object"]["amount_received"] == 1800  # the stored event is untouched


def test_endpoints_only_get_later_events_and_only_loopback_urls(stripe_client, fake_stripe, webhook_receiver):
    pay(stripe_client)
    endpoint = fake_stripe.add_webhook(webhook_receiver.url)

    assert endpoint.secret.startswith("whsec_")
    assert fake_stripe.pending_deliveries() == []
    with pytest.raises(ValueError, match="loopback"):
        fake_stripe.add_webhook("https://example.com/webhooks/stripe/")


def test_webhooks_can_be_registered_over_http(stripe_client, fake_stripe, webhook_receiver):
    answer = requests.post(
        fake_stripe.url("/_test/webhooks"),
        data={"url": webhook_receiver.url, "secret": SECRET, "enabled_events[]": ["payment_intent.succeeded"]},
        timeout=5,
    )
    assert answer.json()["enabled_events"] == ["payment_intent.succeeded"]

    pay(stripe_client)
    fake_stripe.wait_for_deliveries()

    assert webhook_receiver.event_types() == ["payment_intent.succeeded"]
