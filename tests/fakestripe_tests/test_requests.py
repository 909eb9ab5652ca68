"""What the fake refuses the way Stripe does: bad keys, unknown URLs, unknown or invalid parameters."""

import pytest
import requests
import stripe


def client_with_key(fake_stripe, key):
    return stripe.StripeClient(key, base_addresses={"api": fake_stripe.api_base}, max_network_retries=0)


@pytest.mark.parametrize("key", ["sk_live_realmoney", "pk_test_publishable", "nonsense"])
def test_only_secret_test_keys_are_accepted(fake_stripe, key):
    with pytest.raises(stripe.AuthenticationError) as refused:
        client_with_key(fake_stripe, key).v1.payment_intents.create(params={"amount": 1000, "currency": "eur"})

    assert refused.value.http_status == 401
    assert fake_stripe.payment_intents == []


def test_a_missing_authorization_header_is_a_401(fake_stripe):
    answer = requests.post(fake_stripe.url("/v1/payment_intents"), data={"amount": 1000, "currency": "eur"}, timeout=5)

    assert answer.status_code == 401
    assert answer.json()["error"]["type"] == "invalid_request_error"


def test_unknown_urls_are_a_404_invalid_request(fake_stripe):
    answer = requests.get(fake_stripe.url("/v1/paymentintents"), auth=("sk_test_basic_auth", ""), timeout=5)

    assert answer.status_code == 404
    assert answer.json()["error"]["type"] == "invalid_request_error"
    assert "Unrecognized request URL" in answer.json()["error"]["message"]


def test_a_typo_in_a_parameter_is_refused(stripe_client, fake_stripe):
    with pytest.raises(stripe.InvalidRequestError) as refused:
        stripe_client.v1.payment_intents.create(params={"amount": 1000, "currency": "eur", "metdata": {"a": "b"}})

    assert (refused.value.http_status, refused.value.code, refused.value.param) == (400, "parameter_unknown", "metdata")
    assert "Received unknown parameter: metdata" in refused.value.user_message
    assert fake_stripe.payment_intents == []


def test_a_stripe_parameter_the_fake_does_not_model_says_so(stripe_client):
    with pytest.raises(stripe.InvalidRequestError) as refused:
        stripe_client.v1.payment_intents.create(params={"amount": 1000, "currency": "eur", "customer": "cus_1"})

    assert refused.value.code == "parameter_unknown"
    assert "does not model it" in refused.value.user_message


@pytest.mark.parametrize(
    ("params", "code", "param"),
    [
        ({"currency": "eur"}, "parameter_missing", "amount"),
        ({"amount": 10, "currency": "eur"}, "amount_too_small", "amount"),
        ({"amount": 1000, "currency": "eur", "confirm": True}, "payment_intent_unexpected_state", "payment_method"),
        (
            {"amount": 1000, "currency": "eur", "payment_method": "pm_card_visa", "confirm": True, "return_url": "/x"},
            "url_invalid",
            "return_url",
        ),
    ],
)
def test_invalid_creates_are_refused_and_create_nothing(stripe_client, fake_stripe, params, code, param):
    with pytest.raises(stripe.InvalidRequestError) as refused:
        stripe_client.v1.payment_intents.create(params=params)

    assert (refused.value.code, refused.value.param) == (code, param)
    assert fake_stripe.payment_intents == []


def test_every_request_is_recorded_and_every_post_carries_an_idempotency_key(stripe_client, fake_stripe):
    intent = stripe_client.v1.payment_intents.create(params={"amount": 1000, "currency": "eur"})
    stripe_client.v1.payment_intents.retrieve(intent.id)
    stripe_client.v1.payment_intents.cancel(intent.id)

    assert [(r.method, r.path, r.status) for r in fake_stripe.requests] == [
        ("POST", "/v1/payment_intents", 200),
        ("GET", f"/v1/payment_intents/{intent.id}", 200),
        ("POST", f"/v1/payment_intents/{intent.id}/cancel", 200),
    ]
    assert all(r.idempotency_key for r in fake_stripe.requests if r.method == "POST")
    assert len(fake_stripe.requests_to("POST", "/v1/payment_intents")) == 1
    assert fake_stripe.requests[0].params == {"amount": "1000", "currency": "eur"}
