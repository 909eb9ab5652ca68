"""Idempotency keys: a replay returns the saved answer, another request under the key is refused."""

from concurrent.futures import ThreadPoolExecutor

import pytest
import stripe

ORDER = {"amount": 2500, "currency": "eur", "metadata": {"order_number": "100001"}}
KEY = "pi:100001:2500:eur"


def test_the_same_key_and_params_return_the_same_payment_intent(stripe_client, fake_stripe):
    first = stripe_client.v1.payment_intents.create(params=ORDER, options={"idempotency_key": KEY})
    second = stripe_client.v1.payment_intents.create(params=ORDER, options={"idempotency_key": KEY})

    assert second.id == first.id
    assert second.client_secret == first.client_secret
    assert len(fake_stripe.payment_intents) == 1
    assert [r.replayed for r in fake_stripe.requests] == [False, True]
    assert second.last_response.headers["Idempotent-Replayed"] == "true"
    assert fake_stripe.event_types() == ["payment_intent.created"]


def test_the_same_key_with_other_params_raises_idempotency_error(stripe_client, fake_stripe):
    stripe_client.v1.payment_intents.create(params=ORDER, options={"idempotency_key": KEY})

    with pytest.raises(stripe.IdempotencyError) as refused:
        stripe_client.v1.payment_intents.create(params={**ORDER, "amount": 2600}, options={"idempotency_key": KEY})

    assert refused.value.http_status == 400
    assert len(fake_stripe.payment_intents) == 1


def test_the_same_key_on_another_endpoint_raises_idempotency_error(stripe_client):
    intent = stripe_client.v1.payment_intents.create(params=ORDER, options={"idempotency_key": KEY})

    with pytest.raises(stripe.IdempotencyError):
        stripe_client.v1.payment_intents.cancel(intent.id, options={"idempotency_key": KEY})


def test_keys_belong_to_one_api_key(fake_stripe, stripe_client):
    other = stripe.StripeClient("sk_test_other_account", base_addresses={"api": fake_stripe.api_base})

    first = stripe_client.v1.payment_intents.create(params=ORDER, options={"idempotency_key": KEY})
    second = other.v1.payment_intents.create(params=ORDER, options={"idempotency_key": KEY})

    assert first.id != second.id


def test_a_declined_attempt_is_replayed_as_the_same_decline(stripe_client, fake_stripe):
    params = {
        "amount": 2500,
        "currency": "eur",
        "payment_method_types": ["card"],
        "payment_method": "pm_card_chargeDeclined",
        "confirm": True,
    }
    with pytest.raises(stripe.CardError) as first:
        stripe_client.v1.payment_intents.create(params=params, options={"idempotency_key": "attempt-1"})
    with pytest.raises(stripe.CardError) as replay:
        stripe_client.v1.payment_intents.create(params=params, options={"idempotency_key": "attempt-1"})

    assert replay.value.http_body == first.value.http_body
    assert len(fake_stripe.payment_intents) == 1


def test_a_validation_failure_is_not_saved_so_the_key_can_be_reused(stripe_client, fake_stripe):
    with pytest.raises(stripe.InvalidRequestError):
        stripe_client.v1.payment_intents.create(
            params={"amount": 2500, "currency": "eur", "metadta": {"order_number": "100001"}},
            options={"idempotency_key": KEY},
        )

    intent = stripe_client.v1.payment_intents.create(params=ORDER, options={"idempotency_key": KEY})

    assert intent.status == "requires_payment_method"


def test_a_refund_button_pressed_twice_makes_one_refund(stripe_client, fake_stripe):
    intent = stripe_client.v1.payment_intents.create(
        params={**ORDER, "payment_method_types": ["card"], "payment_method": "pm_card_visa", "confirm": True}
    )
    key = "refund:100001:evt-17"

    first = stripe_client.v1.refunds.create(params={"payment_intent": intent.id}, options={"idempotency_key": key})
    second = stripe_client.v1.refunds.create(params={"payment_intent": intent.id}, options={"idempotency_key": key})

    assert first.id == second.id
    assert len(fake_stripe.refunds) == 1


def test_concurrent_requests_with_one_key_create_one_payment_intent(fake_stripe):
    # Ten "double clicks" at once: the key is looked up and saved under one lock.
    def place_order(_):
        client = stripe.StripeClient("sk_test_concurrent", base_addresses={"api": fake_stripe.api_base})
        return client.v1.payment_intents.create(params=ORDER, options={"idempotency_key": KEY}).id

    with ThreadPoolExecutor(max_workers=10) as pool:
        ids = set(pool.map(place_order, range(10)))

    assert len(ids) == 1
    assert len(fake_stripe.payment_intents) == 1
    assert sum(not r.replayed for r in fake_stripe.requests) == 1
