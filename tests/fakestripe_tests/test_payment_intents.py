"""The PaymentIntent lifecycle, driven by the real stripe library over HTTP."""

import pytest
import stripe

RETURN_URL = "http://127.0.0.1:8000/checkout/pay/return/"


def create(client, **params):
    params = {"amount": 2500, "currency": "eur", **params}
    return client.v1.payment_intents.create(params=params)


def test_create_returns_a_stripe_shaped_payment_intent(stripe_client, fake_stripe):
    intent = create(stripe_client, metadata={"order_number": "100001", "basket_id": "42"}, description="Order 100001")

    assert isinstance(intent, stripe.PaymentIntent)
    assert intent.object == "payment_intent"
    assert intent.id.startswith("pi_")
    assert intent.client_secret.startswith(f"{intent.id}_secret_")
    assert intent.livemode is False
    assert intent.created > 0
    assert (intent.amount, intent.amount_received, intent.currency) == (2500, 0, "eur")
    assert intent.status == "requires_payment_method"
    assert intent.metadata.to_dict() == {"order_number": "100001", "basket_id": "42"}
    assert intent.latest_charge is None
    assert intent.last_payment_error is None
    assert intent.next_action is None
    # Neither automatic_payment_methods nor payment_method_types given: automatic, as on the current API.
    assert intent.automatic_payment_methods.enabled is True
    assert fake_stripe.event_types() == ["payment_intent.created"]


def test_create_and_confirm_in_one_call_succeeds_with_a_charge(stripe_client, fake_stripe):
    intent = create(stripe_client, payment_method="pm_card_visa", confirm=True, return_url=RETURN_URL)

    assert intent.status == "succeeded"
    assert intent.amount_received == 2500
    assert intent.latest_charge.startswith("ch_")
    # Like Stripe, the magic id becomes a new PaymentMethod.
    assert intent.payment_method.startswith("pm_")
    assert intent.payment_method != "pm_card_visa"
    charge = stripe_client.v1.charges.retrieve(intent.latest_charge)
    assert (charge.status, charge.captured, charge.amount_captured, charge.payment_intent) == (
        "succeeded",
        True,
        2500,
        intent.id,
    )
    assert stripe_client.v1.payment_methods.retrieve(intent.payment_method).card.last4 == "4242"


def test_confirm_later_then_retrieve(stripe_client):
    intent = create(stripe_client, payment_method_types=["card"])

    confirmed = stripe_client.v1.payment_intents.confirm(intent.id, params={"payment_method": "pm_card_mastercard"})

    assert confirmed.status == "succeeded"
    retrieved = stripe_client.v1.payment_intents.retrieve(intent.id)
    assert retrieved.status == "succeeded"
    assert retrieved.amount_received == 2500


def test_automatic_payment_methods_need_a_return_url_to_confirm(stripe_client, fake_stripe):
    intent = create(stripe_client)

    with pytest.raises(stripe.InvalidRequestError) as refused:
        stripe_client.v1.payment_intents.confirm(intent.id, params={"payment_method": "pm_card_visa"})

    assert refused.value.param == "return_url"
    assert stripe_client.v1.payment_intents.retrieve(intent.id).status == "requires_payment_method"
    never = create(stripe_client, automatic_payment_methods={"enabled": True, "allow_redirects": "never"})
    assert stripe_client.v1.payment_intents.confirm(never.id, params={"payment_method": "pm_card_visa"}).status == (
        "succeeded"
    )


def test_update_amount_and_merge_metadata_before_payment(stripe_client):
    intent = create(stripe_client, metadata={"order_number": "100002", "note": "gift"})

    updated = stripe_client.v1.payment_intents.update(
        intent.id, params={"amount": 3100, "metadata": {"note": "", "basket_id": "9"}}
    )

    assert updated.amount == 3100
    assert updated.metadata.to_dict() == {"order_number": "100002", "basket_id": "9"}


def test_a_succeeded_intent_keeps_its_amount_but_takes_metadata(stripe_client):
    intent = create(stripe_client, payment_method="pm_card_visa", confirm=True, return_url=RETURN_URL)

    with pytest.raises(stripe.InvalidRequestError) as refused:
        stripe_client.v1.payment_intents.update(intent.id, params={"amount": 1})
    assert refused.value.code == "payment_intent_unexpected_state"

    tagged = stripe_client.v1.payment_intents.update(intent.id, params={"metadata": {"fulfilled": "yes"}})
    assert tagged.metadata["fulfilled"] == "yes"


def test_cancel_then_no_further_confirmation(stripe_client, fake_stripe):
    intent = create(stripe_client)

    canceled = stripe_client.v1.payment_intents.cancel(intent.id, params={"cancellation_reason": "abandoned"})

    assert (canceled.status, canceled.cancellation_reason) == ("canceled", "abandoned")
    assert canceled.canceled_at is not None
    with pytest.raises(stripe.InvalidRequestError) as refused:
        stripe_client.v1.payment_intents.confirm(intent.id, params={"payment_method": "pm_card_visa"})
    assert refused.value.code == "payment_intent_unexpected_state"
    with pytest.raises(stripe.InvalidRequestError):
        stripe_client.v1.payment_intents.cancel(intent.id)
    assert fake_stripe.event_types() == ["payment_intent.created", "payment_intent.canceled"]


def test_manual_capture_authorises_then_captures_part(stripe_client, fake_stripe):
    intent = create(
        stripe_client, payment_method="pm_card_visa", confirm=True, capture_method="manual", return_url=RETURN_URL
    )
    assert (intent.status, intent.amount_capturable, intent.amount_received) == ("requires_capture", 2500, 0)

    with pytest.raises(stripe.InvalidRequestError):
        stripe_client.v1.payment_intents.capture(intent.id, params={"amount_to_capture": 9999})
    captured = stripe_client.v1.payment_intents.capture(intent.id, params={"amount_to_capture": 2000})

    assert (captured.status, captured.amount_received, captured.amount_capturable) == ("succeeded", 2000, 0)
    assert fake_stripe.event_types()[-2:] == ["charge.captured", "payment_intent.succeeded"]
    with pytest.raises(stripe.InvalidRequestError) as again:
        stripe_client.v1.payment_intents.capture(intent.id)
    assert again.value.code == "payment_intent_unexpected_state"


def test_unknown_payment_intent_is_a_404(stripe_client):
    with pytest.raises(stripe.InvalidRequestError) as missing:
        stripe_client.v1.payment_intents.retrieve("pi_doesnotexist")

    assert (missing.value.http_status, missing.value.code) == (404, "resource_missing")


def test_unknown_payment_method_is_refused(stripe_client):
    with pytest.raises(stripe.InvalidRequestError) as refused:
        create(stripe_client, payment_method="pm_card_visaa")

    assert (refused.value.code, refused.value.param) == ("resource_missing", "payment_method")


def test_legacy_global_configuration_works_too(fake_stripe, monkeypatch):
    monkeypatch.setattr(stripe, "api_base", fake_stripe.api_base)

    intent = stripe.PaymentIntent.create(
        api_key="sk_test_legacy", stripe_account=None, amount=1200, currency="eur", payment_method_types=["card"]
    )
    confirmed = stripe.PaymentIntent.confirm(intent.id, api_key="sk_test_legacy", payment_method="pm_card_visa")

    assert confirmed.status == "succeeded"
    assert fake_stripe.requests[0].api_key == "sk_test_legacy"
