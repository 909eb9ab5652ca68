"""Signed webhook events that are early, incomplete, odd or too large: each gets a 2xx or a 4xx,
is stored, and loses nothing (the real stripe library, the fake Stripe server, real signatures)."""

import json
import time
import uuid
from decimal import Decimal

import pytest
from django.test import Client
from oscar.core.loading import get_model

from portal.payments.models import StripeEvent
from tests.fakestripe.webhooks import signature_header
from tests.payments.conftest import WEBHOOK_SECRET, reconcile
from tests.payments.test_beat_jobs import age
from tests.payments.test_stripe_checkout import _signed, confirm_in_browser

pytestmark = pytest.mark.django_db
Order = get_model("order", "Order")
User = get_model("users", "User")


def send(checkout, payload, *, timestamp=None):
    """Deliver any body, signed with the shop's secret as Stripe signs it."""
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    header = signature_header(body, WEBHOOK_SECRET, int(timestamp or time.time()))
    return checkout.post("/stripe/webhook/", data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=header)


def deliver(checkout, fake, event_id):
    return checkout.post("/stripe/webhook/", **_signed(fake, event_id))


def event_payload(fake, event_id):
    return json.loads(fake.store.event_payloads[event_id])


def paid_at_stripe(checkout, fake, stripe_client, quantity=1):
    """An order the shopper paid at Stripe whose webhooks have not been delivered yet."""
    checkout.add_stocked(quantity=quantity)
    order = checkout.place_order()
    intent_id = confirm_in_browser(fake, stripe_client, order)
    return order, intent_id


def refunded_debited(order):
    source = order.sources.get()
    return source.amount_debited, source.amount_refunded


# --- Out of order ------------------------------------------------------------------------------


def test_a_refund_before_its_payment_fetches_the_payment_and_records_both(checkout, stripe_mode, stripe_client):
    order, intent_id = paid_at_stripe(checkout, stripe_mode, stripe_client)
    stripe_client.v1.refunds.create(params={"payment_intent": intent_id, "amount": 500})
    [refund_event] = stripe_mode.events_of("refund.created")
    [succeeded] = stripe_mode.events_of("payment_intent.succeeded", intent_id)

    early = deliver(checkout, stripe_mode, refund_event["id"])
    late = deliver(checkout, stripe_mode, succeeded["id"])

    assert (early.status_code, early.content) == (200, b"refund recorded")
    assert (late.status_code, late.content) == (200, b"already-paid")
    order.refresh_from_db()
    assert order.status == "Paid"
    assert refunded_debited(order) == (order.total_incl_tax, Decimal("5.00"))
    assert order.status_changes.filter(new_status="Paid").count() == 1


def test_a_refund_before_its_payment_is_kept_while_stripe_is_unreachable_then_applied_with_it(
    checkout, stripe_mode, stripe_client, fast_stripe_retries
):
    order, intent_id = paid_at_stripe(checkout, stripe_mode, stripe_client)
    stripe_client.v1.refunds.create(params={"payment_intent": intent_id, "amount": 500})
    [refund_event] = stripe_mode.events_of("refund.created")
    [succeeded] = stripe_mode.events_of("payment_intent.succeeded", intent_id)
    stripe_mode.go_down()

    early = deliver(checkout, stripe_mode, refund_event["id"])

    assert early.status_code == 202
    assert early.content.decode().startswith("kept: Stripe could not be asked about")
    assert StripeEvent.objects.get(event_id=refund_event["id"]).processed_at is None
    order.refresh_from_db()
    assert order.status == "Pending payment"

    stripe_mode.come_back()
    late = deliver(checkout, stripe_mode, succeeded["id"])

    assert (late.status_code, late.content) == (200, b"paid")
    order.refresh_from_db()
    assert refunded_debited(order) == (order.total_incl_tax, Decimal("5.00"))
    kept = StripeEvent.objects.get(event_id=refund_event["id"])
    assert (kept.result, kept.processed_at is not None) == ("refund recorded", True)
    assert deliver(checkout, stripe_mode, refund_event["id"]).content == b"duplicate"


def test_a_kept_event_is_applied_by_the_payment_reconciler(checkout, stripe_mode, stripe_client, fast_stripe_retries):
    order, intent_id = paid_at_stripe(checkout, stripe_mode, stripe_client)
    stripe_client.v1.refunds.create(params={"payment_intent": intent_id, "amount": 700})
    [refund_event] = stripe_mode.events_of("refund.created")
    stripe_mode.go_down()
    assert deliver(checkout, stripe_mode, refund_event["id"]).status_code == 202
    stripe_mode.come_back()
    age(order, minutes=6)

    with checkout.capture(execute=True):
        reconcile("payments")
        reconcile("kept-stripe-events")

    order.refresh_from_db()
    assert order.status == "Paid"
    assert refunded_debited(order) == (order.total_incl_tax, Decimal("7.00"))
    assert StripeEvent.objects.get(event_id=refund_event["id"]).result == "refund recorded"


# --- Incomplete or ill-typed payloads ----------------------------------------------------------


@pytest.mark.parametrize(
    "damage",
    [
        lambda obj: obj.pop("currency"),
        lambda obj: obj.update(currency=None),
        lambda obj: obj.update(amount_received="3895"),
        lambda obj: obj.pop("amount"),
        lambda obj: obj.update(status=7),
    ],
    ids=["no currency", "null currency", "amount as text", "no amount", "status a number"],
)
def test_an_incomplete_payment_event_is_checked_against_stripe(checkout, stripe_mode, stripe_client, damage):
    order, intent_id = paid_at_stripe(checkout, stripe_mode, stripe_client)
    [succeeded] = stripe_mode.events_of("payment_intent.succeeded", intent_id)
    payload = event_payload(stripe_mode, succeeded["id"])
    damage(payload["data"]["object"])

    response = send(checkout, payload)

    assert (response.status_code, response.content) == (200, b"paid")
    order.refresh_from_db()
    assert order.status == "Paid"
    assert stripe_mode.requests_to("GET", f"/v1/payment_intents/{intent_id}")


def test_a_payment_event_without_metadata_finds_its_order_by_the_payment(checkout, stripe_mode, stripe_client):
    order, intent_id = paid_at_stripe(checkout, stripe_mode, stripe_client)
    [succeeded] = stripe_mode.events_of("payment_intent.succeeded", intent_id)
    payload = event_payload(stripe_mode, succeeded["id"])
    del payload["data"]["object"]["metadata"]

    response = send(checkout, payload)

    assert (response.status_code, response.content) == (200, b"paid")
    order.refresh_from_db()
    assert order.status == "Paid"


@pytest.mark.parametrize(
    "damage",
    [
        lambda obj: obj.pop("payment_intent"),
        lambda obj: obj.pop("currency"),
        lambda obj: obj.update(amount=None),
        lambda obj: obj.update(amount=[500]),
    ],
    ids=["no payment_intent", "no currency", "null amount", "amount a list"],
)
def test_an_incomplete_refund_event_is_checked_against_stripe(checkout, stripe_mode, stripe_client, damage):
    order, intent_id = paid_at_stripe(checkout, stripe_mode, stripe_client)
    deliver(checkout, stripe_mode, stripe_mode.events_of("payment_intent.succeeded", intent_id)[0]["id"])
    refund = stripe_client.v1.refunds.create(params={"payment_intent": intent_id, "amount": 500})
    [refund_event] = stripe_mode.events_of("refund.created")
    payload = event_payload(stripe_mode, refund_event["id"])
    damage(payload["data"]["object"])

    response = send(checkout, payload)

    assert (response.status_code, response.content) == (200, b"refund recorded")
    assert refunded_debited(order)[1] == Decimal("5.00")
    assert stripe_mode.requests_to("GET", f"/v1/refunds/{refund.id}")


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (lambda event: event["data"].pop("object"), "rejected: the event has no data.object"),
        (lambda event: event.update(data=[]), "rejected: the event has no data.object"),
        (lambda event: event["data"]["object"].pop("id"), "rejected: the event's object has no id"),
        (
            lambda event: event["data"]["object"].update(id="pi_0000000000notatstripe", currency=None),
            "rejected: Stripe does not know payment pi_0000000000notatstripe",
        ),
    ],
    ids=["no data.object", "data a list", "object without id", "incomplete and unknown to Stripe"],
)
def test_a_signed_event_without_a_usable_object_is_refused_stored_and_refused_again(
    checkout, stripe_mode, stripe_client, damage, reason
):
    order, intent_id = paid_at_stripe(checkout, stripe_mode, stripe_client)
    [succeeded] = stripe_mode.events_of("payment_intent.succeeded", intent_id)
    payload = event_payload(stripe_mode, succeeded["id"])
    damage(payload)

    first, replay = send(checkout, payload), send(checkout, payload)

    assert first.status_code == replay.status_code == 400
    assert first.content.decode().startswith(reason)
    assert replay.content == first.content
    assert StripeEvent.objects.get(event_id=succeeded["id"]).result.startswith(reason)
    order.refresh_from_db()
    assert order.status == "Pending payment"


@pytest.mark.parametrize(
    "body",
    [
        b"[1, 2, 3]",
        b"not json at all",
        json.dumps({"type": "payment_intent.succeeded", "data": {}}).encode(),
        json.dumps({"id": 12, "type": "payment_intent.succeeded"}).encode(),
        json.dumps({"id": "evt_1234567890", "type": None}).encode(),
    ],
    ids=["a list", "not json", "no id", "id a number", "no type"],
)
def test_a_signed_body_that_is_not_an_event_is_refused_before_anything_is_stored(checkout, stripe_mode, body):
    response = send(checkout, body)

    assert response.status_code == 400
    assert response.content == b"not an event: an id and a type are required"
    assert not StripeEvent.objects.exists()


def test_an_event_for_an_order_we_do_not_have_is_acknowledged_and_changes_nothing(checkout, stripe_mode, stripe_client):
    order, intent_id = paid_at_stripe(checkout, stripe_mode, stripe_client)
    [succeeded] = stripe_mode.events_of("payment_intent.succeeded", intent_id)
    payload = event_payload(stripe_mode, succeeded["id"])
    payload["data"]["object"].update(id="pi_0000000000othershop", metadata={"order_number": "NOT-OURS-1"})

    response = send(checkout, payload)

    assert (response.status_code, response.content) == (200, b"unknown-order")
    order.refresh_from_db()
    assert order.status == "Pending payment"


def test_a_refund_for_a_payment_we_do_not_have_is_acknowledged(checkout, stripe_mode, stripe_client):
    order, intent_id = paid_at_stripe(checkout, stripe_mode, stripe_client)
    deliver(checkout, stripe_mode, stripe_mode.events_of("payment_intent.succeeded", intent_id)[0]["id"])
    stripe_client.v1.refunds.create(params={"payment_intent": intent_id, "amount": 500})
    [refund_event] = stripe_mode.events_of("refund.created")
    payload = event_payload(stripe_mode, refund_event["id"])
    payload["data"]["object"]["payment_intent"] = "pi_0000000000othershop"

    response = send(checkout, payload)

    assert (response.status_code, response.content) == (200, b"refund unknown payment")
    assert refunded_debited(order)[1] == 0


# --- Amounts beyond what was paid --------------------------------------------------------------


def test_a_refund_reported_larger_than_the_payment_is_recorded_as_stripe_has_it(checkout, stripe_mode, stripe_client):
    order, intent_id = paid_at_stripe(checkout, stripe_mode, stripe_client)
    deliver(checkout, stripe_mode, stripe_mode.events_of("payment_intent.succeeded", intent_id)[0]["id"])
    stripe_client.v1.refunds.create(params={"payment_intent": intent_id, "amount": 500})
    [refund_event] = stripe_mode.events_of("refund.created")
    payload = event_payload(stripe_mode, refund_event["id"])
    payload["data"]["object"]["amount"] = int(order.total_incl_tax * 1000)  # ten times the total

    response = send(checkout, payload)

    assert (response.status_code, response.content) == (200, b"refund recorded")
    assert refunded_debited(order) == (order.total_incl_tax, Decimal("5.00"))


def test_a_forged_refund_for_ten_times_the_total_is_refused_and_records_nothing(checkout, stripe_mode, stripe_client):
    order, intent_id = paid_at_stripe(checkout, stripe_mode, stripe_client)
    deliver(checkout, stripe_mode, stripe_mode.events_of("payment_intent.succeeded", intent_id)[0]["id"])
    stripe_client.v1.refunds.create(params={"payment_intent": intent_id, "amount": 500})
    [refund_event] = stripe_mode.events_of("refund.created")
    payload = event_payload(stripe_mode, refund_event["id"])
    payload["id"] = "evt_0000000000forged"
    payload["data"]["object"].update(id="re_0000000000forged", amount=int(order.total_incl_tax * 1000))

    response = send(checkout, payload)

    assert response.status_code == 400
    assert response.content.decode().startswith("rejected: Stripe does not know refund re_0000000000forged")
    assert refunded_debited(order) == (order.total_incl_tax, Decimal("0.00"))


def test_a_refund_beyond_what_is_left_even_at_stripe_is_noted_once_and_not_recorded(
    checkout, stripe_mode, stripe_client
):
    order, intent_id = paid_at_stripe(checkout, stripe_mode, stripe_client)
    deliver(checkout, stripe_mode, stripe_mode.events_of("payment_intent.succeeded", intent_id)[0]["id"])
    stripe_client.v1.refunds.create(params={"payment_intent": intent_id, "amount": 500})
    [refund_event] = stripe_mode.events_of("refund.created")
    source = order.sources.get()
    source.amount_refunded = source.amount_debited  # our records say it is all back already
    source.save(update_fields=["amount_refunded"])

    response = deliver(checkout, stripe_mode, refund_event["id"])
    StripeEvent.objects.all().delete()
    deliver(checkout, stripe_mode, refund_event["id"])

    assert (response.status_code, response.content) == (200, b"refund exceeds what is left")
    assert order.sources.get().transactions.filter(txn_type="Refund").count() == 0
    [note] = order.notes.filter(note_type="Warning").values_list("message", flat=True)
    assert note.startswith(f"The payment provider reports refund {refund_event['data']['object']['id']} of 5.00 GBP")


def test_a_refund_in_another_currency_is_noted_and_not_recorded(checkout, stripe_mode, stripe_client):
    order, intent_id = paid_at_stripe(checkout, stripe_mode, stripe_client)
    deliver(checkout, stripe_mode, stripe_mode.events_of("payment_intent.succeeded", intent_id)[0]["id"])
    stripe_client.v1.refunds.create(params={"payment_intent": intent_id, "amount": 500})
    [refund_event] = stripe_mode.events_of("refund.created")
    payload = event_payload(stripe_mode, refund_event["id"])
    payload["data"]["object"]["currency"] = "eur"

    response = send(checkout, payload)

    assert (response.status_code, response.content) == (200, b"refund currency mismatch")
    assert refunded_debited(order)[1] == 0
    assert order.notes.filter(note_type="Warning", message__contains="in EUR").count() == 1


# --- Signatures --------------------------------------------------------------------------------


@pytest.mark.parametrize(("seconds", "status"), [(3600, 400), (400, 400), (120, 200), (-120, 200), (-400, 400)])
def test_a_signature_is_accepted_only_within_five_minutes_of_our_clock(
    checkout, stripe_mode, stripe_client, seconds, status
):
    _order, intent_id = paid_at_stripe(checkout, stripe_mode, stripe_client)
    [succeeded] = stripe_mode.events_of("payment_intent.succeeded", intent_id)
    signed = _signed(stripe_mode, succeeded["id"], timestamp=time.time() + seconds)

    response = checkout.post("/stripe/webhook/", **signed)

    assert response.status_code == status
    assert StripeEvent.objects.exists() == (status == 200)


# --- Paid after cancellation, refunds that fail later ------------------------------------------


def test_money_taken_after_a_cancellation_is_recorded_for_staff_to_refund(checkout, stripe_mode, stripe_client):
    order, intent_id = paid_at_stripe(checkout, stripe_mode, stripe_client)
    Order.objects.get(pk=order.pk).set_status("Cancelled")  # cancelled while the bank was still checking
    [succeeded] = stripe_mode.events_of("payment_intent.succeeded", intent_id)

    response = deliver(checkout, stripe_mode, succeeded["id"])
    with checkout.capture(execute=True):
        checkout.client.get(f"/checkout/return/{order.number}/")  # the browser comes back too

    assert (response.status_code, response.content) == (200, b"paid-after-cancellation")
    order.refresh_from_db()
    assert order.status == "Cancelled"
    assert refunded_debited(order) == (order.total_incl_tax, Decimal("0.00"))
    [note] = order.notes.filter(note_type="Warning").values_list("message", flat=True)
    assert note == (
        f"Paid {order.total_incl_tax} GBP (Stripe, confirmed by webhook payment_intent.succeeded) after the order "
        "was cancelled: nothing will be made for it. Refund the payment from Payment and refunds."
    )
    assert order.payment_events.get().event_type.name == "Paid after cancellation"

    admin = Client()
    admin.force_login(User.objects.get(email="admin@atelier.example"))
    page = admin.get(f"/dashboard/orders/{order.number}/").content.decode()
    assert 'id="refund-form"' in page
    with checkout.capture(execute=True):
        refund = admin.post(
            f"/dashboard/orders/{order.number}/refund/",
            {"amount": str(order.total_incl_tax), "reason": "Cancelled order", "token": uuid.uuid4()},
        )
    assert refund.status_code == 302
    order.refresh_from_db()
    assert order.status == "Cancelled"
    assert refunded_debited(order) == (order.total_incl_tax, order.total_incl_tax)


def test_a_refund_that_fails_at_the_bank_is_noted_once(checkout, stripe_mode, stripe_client):
    order, intent_id = paid_at_stripe(checkout, stripe_mode, stripe_client)
    deliver(checkout, stripe_mode, stripe_mode.events_of("payment_intent.succeeded", intent_id)[0]["id"])
    refund = stripe_client.v1.refunds.create(params={"payment_intent": intent_id, "amount": 500})
    deliver(checkout, stripe_mode, stripe_mode.events_of("refund.created")[0]["id"])
    stripe_mode.fail_refund(refund.id)
    [updated] = [e for e in stripe_mode.events_of("refund.updated") if e["data"]["object"]["status"] == "failed"]
    [failed] = stripe_mode.events_of("refund.failed")

    answers = [deliver(checkout, stripe_mode, event["id"]).content for event in (updated, failed)]

    assert answers == [b"refund failure noted", b"refund failure noted"]
    [note] = order.notes.filter(note_type="Warning").values_list("message", flat=True)
    assert note.startswith(f"Refund {refund.id} of 5.00 GBP failed at the bank")


def test_a_payment_reported_larger_than_the_order_does_not_mark_it_paid(checkout, stripe_mode, stripe_client):
    order, intent_id = paid_at_stripe(checkout, stripe_mode, stripe_client)
    [succeeded] = stripe_mode.events_of("payment_intent.succeeded", intent_id)
    payload = event_payload(stripe_mode, succeeded["id"])
    payload["data"]["object"]["amount_received"] *= 10

    response = send(checkout, payload)

    assert (response.status_code, response.content) == (200, b"mismatch")
    order.refresh_from_db()
    assert order.status == "Pending payment"
    assert refunded_debited(order) == (Decimal("0.00"), Decimal("0.00"))
