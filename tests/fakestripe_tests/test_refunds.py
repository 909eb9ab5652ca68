"""Refunds: full, partial, too much, twice; and the events they make."""

import pytest
import stripe

RETURN_URL = "http://127.0.0.1:8000/checkout/pay/return/"


@pytest.fixture
def paid(stripe_client):
    return stripe_client.v1.payment_intents.create(
        params={
            "amount": 5000,
            "currency": "eur",
            "payment_method": "pm_card_visa",
            "confirm": True,
            "return_url": RETURN_URL,
        }
    )


def test_a_full_refund_by_default(stripe_client, fake_stripe, paid):
    refund = stripe_client.v1.refunds.create(
        params={"payment_intent": paid.id, "reason": "requested_by_customer", "metadata": {"order_number": "100003"}}
    )

    assert isinstance(refund, stripe.Refund)
    assert refund.id.startswith("re_")
    assert (refund.amount, refund.status, refund.payment_intent, refund.charge) == (
        5000,
        "succeeded",
        paid.id,
        paid.latest_charge,
    )
    assert refund.metadata["order_number"] == "100003"
    assert stripe_client.v1.refunds.retrieve(refund.id).amount == 5000
    charge = stripe_client.v1.charges.retrieve(paid.latest_charge)
    assert (charge.amount_refunded, charge.refunded) == (5000, True)
    assert fake_stripe.event_types()[-2:] == ["refund.created", "charge.refunded"]


def test_partial_refunds_add_up_and_then_stop(stripe_client, paid):
    stripe_client.v1.refunds.create(params={"payment_intent": paid.id, "amount": 2000})
    charge = stripe_client.v1.charges.retrieve(paid.latest_charge)
    assert (charge.amount_refunded, charge.refunded) == (2000, False)

    with pytest.raises(stripe.InvalidRequestError) as too_much:
        stripe_client.v1.refunds.create(params={"payment_intent": paid.id, "amount": 3001})
    assert (too_much.value.code, too_much.value.param) == ("amount_too_large", "amount")

    rest = stripe_client.v1.refunds.create(params={"payment_intent": paid.id})
    assert rest.amount == 3000

    with pytest.raises(stripe.InvalidRequestError) as again:
        stripe_client.v1.refunds.create(params={"payment_intent": paid.id})
    assert again.value.code == "charge_already_refunded"


def test_an_unpaid_intent_cannot_be_refunded(stripe_client):
    intent = stripe_client.v1.payment_intents.create(params={"amount": 5000, "currency": "eur"})

    with pytest.raises(stripe.InvalidRequestError) as refused:
        stripe_client.v1.refunds.create(params={"payment_intent": intent.id})

    assert refused.value.param == "payment_intent"


def test_refund_by_charge_and_metadata_update(stripe_client, fake_stripe, paid):
    refund = stripe_client.v1.refunds.create(params={"charge": paid.latest_charge, "amount": 100})

    updated = stripe_client.v1.refunds.update(refund.id, params={"metadata": {"ticket": "T-9"}})

    assert updated.metadata["ticket"] == "T-9"
    event = fake_stripe.events_of("refund.updated", refund.id)[0]
    assert event["data"]["previous_attributes"] == {"metadata": {}}


def test_a_refund_that_fails_later_gives_the_money_back_to_the_charge(stripe_client, fake_stripe, paid):
    refund = stripe_client.v1.refunds.create(params={"payment_intent": paid.id})

    fake_stripe.fail_refund(refund.id)

    assert stripe_client.v1.refunds.retrieve(refund.id).status == "failed"
    assert stripe_client.v1.charges.retrieve(paid.latest_charge).amount_refunded == 0
    assert fake_stripe.event_types()[-2:] == ["refund.updated", "refund.failed"]
