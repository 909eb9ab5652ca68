"""Events: one per state change, in order, each holding the object as it was; listed like Stripe."""

from tests.fakestripe import API_VERSION

RETURN_URL = "http://127.0.0.1:8000/checkout/pay/return/"


def pay(client, payment_method="pm_card_visa", key=None):
    return client.v1.payment_intents.create(
        params={
            "amount": 1800,
            "currency": "eur",
            "payment_method": payment_method,
            "confirm": True,
            "return_url": RETURN_URL,
        },
        options={"idempotency_key": key} if key else None,
    )


def test_events_are_recorded_in_order_with_the_object_at_that_moment(stripe_client, fake_stripe):
    intent = pay(stripe_client, key="pi:100001:1800:eur")
    stripe_client.v1.refunds.create(params={"payment_intent": intent.id, "amount": 800})

    events = fake_stripe.events
    assert [e["type"] for e in events] == [
        "payment_intent.created",
        "charge.succeeded",
        "payment_intent.succeeded",
        "refund.created",
        "charge.refunded",
    ]
    created, charge_succeeded, succeeded, refund_created, charge_refunded = events
    assert created["data"]["object"]["status"] == "requires_confirmation"
    assert succeeded["data"]["object"]["status"] == "succeeded"
    assert succeeded["data"]["object"]["amount_received"] == 1800
    assert charge_succeeded["data"]["object"]["amount_refunded"] == 0
    assert charge_refunded["data"]["object"]["amount_refunded"] == 800
    assert refund_created["data"]["object"]["object"] == "refund"
    for event in events:
        assert event["id"].startswith("evt_")
        assert (event["object"], event["api_version"], event["livemode"]) == ("event", API_VERSION, False)
    assert created["request"]["idempotency_key"] == "pi:100001:1800:eur"
    assert created["request"]["id"].startswith("req_")


def test_list_events_newest_first_with_cursor_pagination(stripe_client, fake_stripe):
    pay(stripe_client)
    oldest_first = [e["id"] for e in fake_stripe.events]

    first_page = stripe_client.v1.events.list(params={"limit": 2})
    second_page = stripe_client.v1.events.list(params={"limit": 2, "starting_after": first_page.data[-1].id})

    assert [e.id for e in first_page.data] == oldest_first[::-1][:2]
    assert first_page.has_more is True
    assert [e.id for e in second_page.data] == oldest_first[::-1][2:]
    assert second_page.has_more is False
    assert [e.id for e in stripe_client.v1.events.list(params={"limit": 1}).auto_paging_iter()] == oldest_first[::-1]


def test_list_events_filters_by_type(stripe_client):
    pay(stripe_client)
    pay(stripe_client, payment_method="pm_card_authenticationRequired")

    succeeded = stripe_client.v1.events.list(params={"types": ["payment_intent.succeeded"]})
    intents = stripe_client.v1.events.list(params={"type": "payment_intent.*"})

    assert [e.type for e in succeeded.data] == ["payment_intent.succeeded"]
    assert [e.type for e in intents.data] == [
        "payment_intent.requires_action",
        "payment_intent.created",
        "payment_intent.succeeded",
        "payment_intent.created",
    ]


def test_retrieve_an_event(stripe_client, fake_stripe):
    pay(stripe_client)
    event_id = fake_stripe.events[-1]["id"]

    event = stripe_client.v1.events.retrieve(event_id)

    assert event.type == "payment_intent.succeeded"
    assert event.data.object.object == "payment_intent"
    assert event.data.object.status == "succeeded"
