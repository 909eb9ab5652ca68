"""Faults: 5xx then success, answers that come too late, and Stripe being unreachable.

The `fast_stripe_retries` fixture only shortens stripe-python's backoff; the library still
decides to retry, and does so with the same Idempotency-Key, which is what these tests check.
"""

import pytest
import stripe

ORDER = {"amount": 2500, "currency": "eur", "metadata": {"order_number": "100001"}}


@pytest.mark.usefixtures("fast_stripe_retries")
def test_503_then_success_makes_exactly_one_payment_intent(stripe_client, fake_stripe):
    fake_stripe.fail_next("/v1/payment_intents", status=503)

    intent = stripe_client.v1.payment_intents.create(params=ORDER, options={"idempotency_key": "pi:100001"})

    attempts = fake_stripe.requests_to("POST", "/v1/payment_intents")
    assert [(r.status, r.fault) for r in attempts] == [(503, "error"), (200, None)]
    assert {r.idempotency_key for r in attempts} == {"pi:100001"}
    assert [pi["id"] for pi in fake_stripe.payment_intents] == [intent.id]


@pytest.mark.usefixtures("fast_stripe_retries")
def test_library_generated_keys_are_reused_on_retry_too(stripe_client, fake_stripe):
    fake_stripe.fail_next("/v1/payment_intents", status=500, times=2)

    stripe_client.v1.payment_intents.create(params=ORDER)

    attempts = fake_stripe.requests_to("POST", "/v1/payment_intents")
    assert [r.status for r in attempts] == [500, 500, 200]
    assert len({r.idempotency_key for r in attempts}) == 1
    assert len(fake_stripe.payment_intents) == 1


@pytest.mark.usefixtures("fast_stripe_retries")
def test_errors_beyond_the_retry_budget_raise_api_error(stripe_client, fake_stripe):
    fake_stripe.fail_next("/v1/payment_intents", status=503, times=3)

    with pytest.raises(stripe.APIError) as failed:
        stripe_client.v1.payment_intents.create(params=ORDER)

    assert failed.value.http_status == 503
    assert fake_stripe.payment_intents == []


def test_stripe_should_retry_false_stops_the_retries(stripe_client, fake_stripe):
    fake_stripe.fail_next("/v1/payment_intents", status=503, should_retry=False)

    with pytest.raises(stripe.APIError):
        stripe_client.v1.payment_intents.create(params=ORDER)

    assert len(fake_stripe.requests) == 1


@pytest.mark.usefixtures("fast_stripe_retries")
def test_a_timeout_after_commit_is_retried_into_the_saved_result(fake_stripe):
    client = stripe.StripeClient(
        "sk_test_timeouts",
        base_addresses={"api": fake_stripe.api_base},
        max_network_retries=2,
        http_client=stripe.RequestsClient(timeout=0.3),
    )
    fake_stripe.timeout_next("/v1/payment_intents", seconds=5)

    intent = client.v1.payment_intents.create(params=ORDER, options={"idempotency_key": "pi:100001"})

    attempts = fake_stripe.requests_to("POST", "/v1/payment_intents")
    assert [(r.fault, r.replayed) for r in attempts] == [("timeout", False), (None, True)]
    assert [pi["id"] for pi in fake_stripe.payment_intents] == [intent.id]


@pytest.mark.usefixtures("fast_stripe_retries")
def test_a_request_held_back_before_it_runs_lets_the_retry_run_it_once(fake_stripe):
    client = stripe.StripeClient(
        "sk_test_timeouts",
        base_addresses={"api": fake_stripe.api_base},
        max_network_retries=2,
        http_client=stripe.RequestsClient(timeout=0.3),
    )
    fake_stripe.timeout_next("/v1/payment_intents", seconds=30, after_commit=False)

    intent = client.v1.payment_intents.create(params=ORDER, options={"idempotency_key": "pi:100001"})

    # The held request is still asleep; the fixture's reset wakes it and it then runs nothing.
    assert [pi["id"] for pi in fake_stripe.payment_intents] == [intent.id]


@pytest.mark.usefixtures("fast_stripe_retries")
def test_unreachable_stripe_raises_api_connection_error_and_comes_back(stripe_client, fake_stripe):
    fake_stripe.go_down()
    try:
        with pytest.raises(stripe.APIConnectionError):
            stripe_client.v1.payment_intents.create(params=ORDER)
        assert fake_stripe.requests == []
    finally:
        fake_stripe.come_back()

    assert stripe_client.v1.payment_intents.create(params=ORDER).status == "requires_payment_method"


def test_faults_only_hit_their_path_and_method(stripe_client, fake_stripe):
    fake_stripe.fail_next("/v1/refunds", status=503)
    fake_stripe.fail_next("/v1/payment_intents", status=503, method="GET")

    intent = stripe_client.v1.payment_intents.create(params=ORDER)

    assert intent.status == "requires_payment_method"
    assert len(fake_stripe.faults.pending()) == 2
