"""Test cards: declines raise CardError like Stripe's; 3D Secure goes through requires_action."""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import stripe

RETURN_URL = "http://127.0.0.1:8000/checkout/pay/return/?order=100001"


def create(client, payment_method, **params):
    return client.v1.payment_intents.create(
        params={
            "amount": 4200,
            "currency": "eur",
            "payment_method": payment_method,
            "confirm": True,
            "return_url": RETURN_URL,
            **params,
        }
    )


@pytest.mark.parametrize(
    ("payment_method", "code", "decline_code"),
    [
        ("pm_card_chargeDeclined", "card_declined", "generic_decline"),
        ("pm_card_visa_chargeDeclined", "card_declined", "generic_decline"),
        ("pm_card_chargeDeclinedInsufficientFunds", "card_declined", "insufficient_funds"),
        ("pm_card_chargeDeclinedExpiredCard", "expired_card", "expired_card"),
    ],
)
def test_a_decline_raises_card_error_and_returns_the_intent_for_a_new_method(
    stripe_client, fake_stripe, payment_method, code, decline_code
):
    with pytest.raises(stripe.CardError) as declined:
        create(stripe_client, payment_method)

    error = declined.value
    assert (error.http_status, error.code, error.error.decline_code) == (402, code, decline_code)
    intent_id = error.json_body["error"]["payment_intent"]["id"]
    intent = stripe_client.v1.payment_intents.retrieve(intent_id)
    assert intent.status == "requires_payment_method"
    assert intent.payment_method is None
    assert (intent.last_payment_error.type, intent.last_payment_error.code) == ("card_error", code)
    assert stripe_client.v1.charges.retrieve(intent.latest_charge).status == "failed"
    assert fake_stripe.event_types() == ["payment_intent.created", "charge.failed", "payment_intent.payment_failed"]


def test_after_a_decline_another_card_succeeds(stripe_client):
    with pytest.raises(stripe.CardError) as declined:
        create(stripe_client, "pm_card_chargeDeclined")
    intent_id = declined.value.json_body["error"]["payment_intent"]["id"]

    intent = stripe_client.v1.payment_intents.confirm(
        intent_id, params={"payment_method": "pm_card_visa", "return_url": RETURN_URL}
    )

    assert (intent.status, intent.last_payment_error) == ("succeeded", None)


@pytest.mark.parametrize("payment_method", ["pm_card_authenticationRequired", "pm_card_threeDSecure2Required"])
def test_three_d_secure_requires_action_with_a_redirect(stripe_client, fake_stripe, payment_method):
    intent = create(stripe_client, payment_method)

    assert intent.status == "requires_action"
    assert intent.next_action.type == "redirect_to_url"
    redirect = intent.next_action.redirect_to_url
    assert redirect.return_url == RETURN_URL
    assert redirect.url.startswith(f"{fake_stripe.api_base}/_test/3ds/{intent.id}")
    assert fake_stripe.event_types() == ["payment_intent.created", "payment_intent.requires_action"]


def test_server_side_authentication_succeeds(stripe_client, fake_stripe):
    intent = create(stripe_client, "pm_card_authenticationRequired")

    answer = requests.post(fake_stripe.url(f"/_test/payment_intents/{intent.id}/authenticate?success=1"), timeout=5)

    assert answer.status_code == 200
    assert stripe_client.v1.payment_intents.retrieve(intent.id).status == "succeeded"
    assert fake_stripe.event_types()[-1] == "payment_intent.succeeded"


def test_failed_authentication_records_the_error(stripe_client, fake_stripe):
    intent = create(stripe_client, "pm_card_authenticationRequired")

    fake_stripe.authenticate(intent.id, success=False)

    intent = stripe_client.v1.payment_intents.retrieve(intent.id)
    assert intent.status == "requires_payment_method"
    assert intent.last_payment_error.code == "payment_intent_authentication_failure"
    assert fake_stripe.event_types()[-1] == "payment_intent.payment_failed"


def test_the_challenge_page_redirects_to_return_url_with_stripes_parameters(stripe_client, fake_stripe):
    intent = create(stripe_client, "pm_card_authenticationRequired")
    page = requests.get(intent.next_action.redirect_to_url.url, timeout=5)
    assert page.status_code == 200
    assert "Complete" in page.text
    assert "Fail" in page.text

    answer = requests.get(intent.next_action.redirect_to_url.url + "&outcome=succeed", allow_redirects=False, timeout=5)

    assert answer.status_code == 303
    location = urlsplit(answer.headers["Location"])
    assert location.path == "/checkout/pay/return/"
    query = parse_qs(location.query)
    assert query["order"] == ["100001"]  # the page's own parameters are kept
    assert query["payment_intent"] == [intent.id]
    assert query["payment_intent_client_secret"] == [intent.client_secret]
    assert query["redirect_status"] == ["succeeded"]
    assert stripe_client.v1.payment_intents.retrieve(intent.id).status == "succeeded"


def test_without_a_return_url_the_challenge_is_left_to_stripe_js(stripe_client):
    intent = stripe_client.v1.payment_intents.create(
        params={
            "amount": 4200,
            "currency": "eur",
            "payment_method_types": ["card"],
            "payment_method": "pm_card_authenticationRequired",
            "confirm": True,
        }
    )

    assert intent.next_action.type == "use_stripe_sdk"
