"""A shopper changes the design of a paid line from the hub until production starts: checked and
priced on the server, the difference and the new ship date shown first; a dearer design charged with
a PaymentIntent of its own and applied only once it is paid (nothing changes before, or if it is
abandoned); a cheaper one applied at once and the difference refunded (key from the change); the
work made again for the new design, the points adjusted, the customer told."""

import json
import re
import uuid
from decimal import Decimal

import pytest
from django.core import mail
from oscar.core.loading import get_model

from loyalty.models import LedgerEntry, PendingEarn
from portal.after_sales.models import DesignChange
from production.models import Operation, ProductionEvent, PromisedDate, WorkOrder
from production.selectors.release import configuration_of
from tests.after_sales.test_cancellation import start_first_operation
from tests.payments.test_stripe_checkout import _signed, confirm_in_browser

pytestmark = pytest.mark.django_db
Source = get_model("payment", "Source")


def line_of(order):
    return order.lines.get()


def form_values(line, **changes):
    """The configurator form as the shopper sends it: the line's design with `changes`."""
    values = {**configuration_of(line)[2], **changes}
    return {code: ("on" if value is True else value) for code, value in values.items() if value is not False}


def review(client, order, **changes):
    line = line_of(order)
    data = {**form_values(line, **changes), "action": "review"}
    return client.post(f"/accounts/orders/{order.number}/lines/{line.pk}/change/", data)


def confirm(checkout, order, reviewed, *, key=None, client=None, **overrides):
    """Send the review page's confirmation form as it was rendered (`overrides` tamper with it)."""
    form = reviewed.context["form"]
    data = {"values": form["values"].value(), "shown_difference": str(form["shown_difference"].value())}
    data["key"] = str(key or uuid.uuid4())
    data.update(overrides)
    line = line_of(order)
    with checkout.capture(execute=True):
        return (client or checkout.client).post(
            f"/accounts/orders/{order.number}/lines/{line.pk}/change/confirm/", data
        )


def pay(checkout, stripe_mode, stripe_client, order, payment_method="pm_card_visa"):
    """Stripe.js confirms the change's PaymentIntent; Stripe's signed webhook says how it went."""
    intent_id = confirm_in_browser(stripe_mode, stripe_client, order, payment_method)
    kind = "payment_intent.succeeded" if payment_method == "pm_card_visa" else "payment_intent.payment_failed"
    [event] = stripe_mode.events_of(kind, intent_id)
    return intent_id, checkout.post("/stripe/webhook/", **_signed(stripe_mode, event["id"]))


def change_payment_requests(stripe_mode):
    requests = stripe_mode.requests_to("POST", "/v1/payment_intents")
    return [request for request in requests if request.idempotency_key.startswith("pi:design-change:")]


def test_the_order_page_offers_to_change_the_design_and_opens_the_configurator_on_it(client, paid_order):
    line = line_of(paid_order)
    page = client.get(f"/accounts/orders/{paid_order.number}/").content.decode()
    assert f'href="/accounts/orders/{paid_order.number}/lines/{line.pk}/change/"' in page

    response = client.get(f"/accounts/orders/{paid_order.number}/lines/{line.pk}/change/")

    assert response.status_code == 200
    html = response.content.decode()
    assert f'action="/accounts/orders/{paid_order.number}/lines/{line.pk}/change/"' in html
    assert re.search(r'name="hinge" value="right"[^>]*checked', html)  # the design as ordered
    assert 'value="review"' in html and 'value="basket"' not in html


def test_the_review_shows_what_changes_the_difference_and_the_new_ship_date_and_changes_nothing(client, paid_order):
    before = line_of(paid_order).line_price_incl_tax

    response = review(client, paid_order, hinge="left", handle="recessed")

    assert response.status_code == 200
    quote = response.context["quote"]
    assert quote.difference == Decimal("25.00")
    assert quote.differences == [("Door opens on the", "Right", "Left"), ("Handle", "Bar", "Recessed")]
    html = response.content.decode()
    assert "£25.00 to pay" in html and "Confirm and pay £25.00" in html
    assert quote.new_ship_date.strftime("%A %-d %B %Y") in html
    assert 'name="price"' not in html
    assert line_of(paid_order).line_price_incl_tax == before
    assert not DesignChange.objects.exists()


def test_a_dearer_design_waits_for_its_own_payment_then_the_webhook_applies_it(
    client, checkout, paid_order, stripe_mode, stripe_client
):
    line = line_of(paid_order)
    total, work_order = paid_order.total_incl_tax, WorkOrder.objects.get(line=line)
    old_operations = set(Operation.objects.filter(work_order=work_order).values_list("pk", flat=True))
    earned = PendingEarn.objects.get(order_number=paid_order.number).points
    key = uuid.uuid4()

    response = confirm(checkout, paid_order, review(client, paid_order, hinge="left", handle="recessed"), key=key)

    change = DesignChange.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/orders/{paid_order.number}/changes/{change.pk}/pay/"
    assert change.state == "awaiting-payment" and change.difference == Decimal("25.00")
    intent = stripe_mode.payment_intents[-1]
    assert (intent["amount"], intent["metadata"]["design_change"]) == (2500, str(key))
    [call] = change_payment_requests(stripe_mode)
    assert call.idempotency_key == f"pi:design-change:{key}"
    # Nothing changed before the payment.
    paid_order.refresh_from_db()
    assert paid_order.total_incl_tax == total
    assert configuration_of(line_of(paid_order))[2]["hinge"] == "right"
    assert set(Operation.objects.filter(work_order=work_order).values_list("status", flat=True)) != {"withdrawn"}
    assert "Pay £25.00" in client.get(response["Location"]).content.decode()

    intent_id, answer = pay(checkout, stripe_mode, stripe_client, paid_order)

    assert (answer.status_code, answer.content) == (200, b"change-applied")
    change.refresh_from_db()
    assert change.state == "applied" and change.payment_reference == intent_id
    paid_order.refresh_from_db()
    line = line_of(paid_order)
    assert paid_order.total_incl_tax == total + Decimal("25.00")
    assert line.line_price_before_discounts_incl_tax == change.new_price
    assert (configuration_of(line)[2]["hinge"], configuration_of(line)[2]["handle"]) == ("left", "recessed")
    assert paid_order.status == "Paid"
    # The difference recorded as a payment of its own; the order's own untouched.
    paid_source = Source.objects.get(order=paid_order, reference=intent_id)
    assert paid_source.amount_debited == Decimal("25.00")
    # The work made again for the new design: new operations, planned; the old ones gone.
    work_order.refresh_from_db()
    assert work_order.configuration["hinge"] == "left"
    operations = Operation.objects.filter(work_order=work_order)
    assert operations.exists() and not old_operations & set(operations.values_list("pk", flat=True))
    assert set(operations.values_list("status", flat=True)) == {"planned"}
    assert ProductionEvent.objects.filter(
        order_id=paid_order.pk, customer_label__endswith="design changed, queued for production again"
    ).exists()
    assert PromisedDate.objects.get(order=paid_order).ship_date == change.new_ship_date
    # Points for the difference, pending with the order's.
    pending = PendingEarn.objects.get(order_number=paid_order.number)
    assert pending.points > earned and pending.paid_total == total + Decimal("25.00")
    assert LedgerEntry.objects.filter(idempotency_key=f"earn:order:{paid_order.number}:extra:{intent_id}").count() == 1
    # Told by e-mail; the order page says so.
    [message] = [m for m in mail.outbox if "new design" in m.subject]
    assert message.subject == f"Your new design for order {paid_order.number} is confirmed"
    assert "Door opens on the: Left (was Right)" in message.body
    assert "We charged the difference of £25.00" in message.body
    page = client.get(f"/accounts/orders/{paid_order.number}/").content.decode()
    assert "Changed; £25.00 paid." in page


def test_a_replayed_webhook_changes_nothing(client, checkout, paid_order, stripe_mode, stripe_client):
    confirm(checkout, paid_order, review(client, paid_order, handle="recessed"))
    intent_id, _answer = pay(checkout, stripe_mode, stripe_client, paid_order)
    paid_order.refresh_from_db()
    total, events = paid_order.total_incl_tax, ProductionEvent.objects.count()
    [event] = stripe_mode.events_of("payment_intent.succeeded", intent_id)

    again = checkout.post("/stripe/webhook/", **_signed(stripe_mode, event["id"]))

    assert (again.status_code, again.content) == (200, b"duplicate")
    paid_order.refresh_from_db()
    assert paid_order.total_incl_tax == total
    assert ProductionEvent.objects.count() == events
    assert Source.objects.get(reference=intent_id).amount_debited == Decimal("25.00")
    assert len([m for m in mail.outbox if "new design" in m.subject]) == 1


def test_a_declined_charge_leaves_the_order_as_it_was(client, checkout, paid_order, stripe_mode, stripe_client):
    total = paid_order.total_incl_tax
    response = confirm(checkout, paid_order, review(client, paid_order, handle="recessed"))

    _intent_id, answer = pay(checkout, stripe_mode, stripe_client, paid_order, "pm_card_chargeDeclined")

    assert answer.status_code == 200
    change = DesignChange.objects.get()
    assert change.state == "awaiting-payment" and change.failure_message == "Your card was declined."
    paid_order.refresh_from_db()
    assert paid_order.total_incl_tax == total
    assert configuration_of(line_of(paid_order))[2]["handle"] == "bar"
    assert "Your card was declined." in client.get(response["Location"]).content.decode()


def test_keeping_the_order_as_it_was_abandons_the_change_and_cancels_its_payment(
    client, checkout, paid_order, stripe_mode
):
    confirm(checkout, paid_order, review(client, paid_order, handle="recessed"))
    change = DesignChange.objects.get()

    response = checkout.post(f"/accounts/orders/{paid_order.number}/changes/{change.pk}/keep/")

    assert response.status_code == 302
    change.refresh_from_db()
    assert change.state == "abandoned"
    assert stripe_mode.payment_intents[-1]["status"] == "canceled"
    assert configuration_of(line_of(paid_order))[2]["handle"] == "bar"
    page = client.get(f"/accounts/orders/{paid_order.number}/").content.decode()
    assert "Not made: the order stayed as it was." in page


def test_a_cheaper_design_is_applied_at_once_and_the_difference_refunded(
    client, checkout, paid_order, stripe_mode, refunded_events
):
    total = paid_order.total_incl_tax
    earned = PendingEarn.objects.get(order_number=paid_order.number).points

    response = confirm(checkout, paid_order, review(client, paid_order, capacity="300"))

    assert response.status_code == 302 and response["Location"] == f"/accounts/orders/{paid_order.number}/"
    change = DesignChange.objects.get()
    assert (change.state, change.difference) == ("applied", Decimal("-150.00"))
    paid_order.refresh_from_db()
    assert paid_order.total_incl_tax == total - Decimal("150.00")
    [refund] = stripe_mode.refunds
    assert refund["amount"] == 15000
    [call] = stripe_mode.requests_to("POST", "/v1/refunds")
    assert call.idempotency_key == f"refund:{paid_order.number}:{change.refund_token}"
    assert refunded_events == [(paid_order.number, Decimal("150.00"))]
    assert paid_order.status == "Paid"  # a part refund
    pending = PendingEarn.objects.get(order_number=paid_order.number)
    assert 0 < pending.reversed_points < earned
    assert WorkOrder.objects.get(order=paid_order).configuration["capacity"] == "300"
    [message] = [m for m in mail.outbox if "new design" in m.subject]
    assert "We are refunding the difference of £150.00" in message.body


def test_changing_after_production_started_is_refused_and_changes_nothing(client, checkout, paid_order, stripe_mode):
    line = line_of(paid_order)
    started = start_first_operation(paid_order)

    page = client.get(f"/accounts/orders/{paid_order.number}/lines/{line.pk}/change/")
    response = review(client, paid_order, handle="recessed")

    assert page.status_code == 200 and response.status_code == 409
    assert re.search(rf"Production started on \d+ \w+ at the {started.name.lower()} step", response.content.decode())
    assert "/change/" not in client.get(f"/accounts/orders/{paid_order.number}/").content.decode()
    assert not DesignChange.objects.exists() and not stripe_mode.refunds


def test_a_start_after_confirming_refuses_the_paid_change_and_refunds_its_payment(
    client, checkout, paid_order, stripe_mode, stripe_client
):
    confirm(checkout, paid_order, review(client, paid_order, handle="recessed"))
    start_first_operation(paid_order)  # the floor starts while the shopper pays

    intent_id, answer = pay(checkout, stripe_mode, stripe_client, paid_order)

    assert answer.content == b"change-refused"
    change = DesignChange.objects.get()
    assert change.state == "refused" and change.refusal.startswith("Production started on")
    assert configuration_of(line_of(paid_order))[2]["handle"] == "bar"
    [refund] = stripe_mode.refunds
    assert (refund["payment_intent"], refund["amount"]) == (intent_id, 2500)
    source = Source.objects.get(reference=intent_id)
    assert source.amount_refunded == source.amount_debited == Decimal("25.00")
    paid_order.refresh_from_db()
    assert paid_order.status == "In production"
    [message] = [m for m in mail.outbox if "could not change" in m.subject]
    assert "could not be changed: Production started on" in message.body


def test_a_design_that_breaks_a_rule_is_refused_with_the_rule(client, checkout, paid_order):
    response = review(client, paid_order, ice_maker=True, water_kit=False)

    assert response.status_code == 422
    assert "This design cannot be made:" in response.content.decode()
    assert not DesignChange.objects.exists()


def test_a_tampered_confirmation_never_sets_the_price(client, checkout, paid_order, stripe_mode):
    reviewed = review(client, paid_order, handle="recessed")

    cheap = confirm(checkout, paid_order, reviewed, shown_difference="0.01", price="0.01")
    ordered = configuration_of(line_of(paid_order))[2]
    broken = confirm(checkout, paid_order, reviewed, values=json.dumps({**ordered, "ice_maker": True}))
    garbage = confirm(checkout, paid_order, reviewed, values="not json")

    assert cheap.status_code == 409  # the review again, at the server's price
    assert cheap.context["quote"].difference == Decimal("25.00") and "Confirm and pay £25.00" in cheap.content.decode()
    assert broken.status_code == 422  # the design breaks a rule: checked again, never trusted
    assert garbage.status_code == 302
    assert not DesignChange.objects.exists()
    assert not change_payment_requests(stripe_mode)


def test_a_double_submitted_confirmation_changes_once(client, checkout, paid_order, stripe_mode):
    reviewed = review(client, paid_order, capacity="300")
    key = uuid.uuid4()

    first = confirm(checkout, paid_order, reviewed, key=key)
    second = confirm(checkout, paid_order, reviewed, key=key)

    assert (first.status_code, second.status_code) == (302, 302)
    assert DesignChange.objects.count() == 1
    assert len(stripe_mode.refunds) == 1
    assert len([m for m in mail.outbox if "new design" in m.subject]) == 1


def test_the_same_design_again_is_not_a_change(client, paid_order):
    response = review(client, paid_order)

    assert response.status_code == 422
    assert "This is the design you ordered" in response.content.decode()


def test_another_customers_order_is_404_and_anonymous_must_sign_in(client, checkout, paid_order, other_customer):
    from django.test import Client

    line = line_of(paid_order)
    reviewed = review(client, paid_order, handle="recessed")
    confirm(checkout, paid_order, reviewed)
    change = DesignChange.objects.get()
    base = f"/accounts/orders/{paid_order.number}"

    assert other_customer.get(f"{base}/lines/{line.pk}/change/").status_code == 404
    assert confirm(checkout, paid_order, reviewed, client=other_customer).status_code == 404
    assert other_customer.get(f"{base}/changes/{change.pk}/pay/").status_code == 404
    assert other_customer.post(f"{base}/changes/{change.pk}/keep/").status_code == 404
    anonymous = Client().get(f"{base}/lines/{line.pk}/change/")
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    change.refresh_from_db()
    assert change.state == "awaiting-payment"


def test_a_second_window_confirming_an_older_review_sees_the_difference_from_the_design_as_it_is_now(
    client, checkout, paid_order, stripe_mode
):
    smaller = review(client, paid_order, capacity="300")  # 150.00 less
    chef = review(client, paid_order, layout="chef")  # 60.00 more than the design as ordered

    confirm(checkout, paid_order, smaller)
    response = confirm(checkout, paid_order, chef)

    assert response.status_code == 409  # reviewed again: from 300 litres back to 380, and the drawers
    assert "The price of this change has changed since you saw it" in response.content.decode()
    assert response.context["quote"].difference == Decimal("210.00")
    assert DesignChange.objects.count() == 1
    assert not change_payment_requests(stripe_mode)


def test_cancelling_after_a_paid_change_refunds_both_payments_and_takes_all_the_points_back(
    client, checkout, paid_order, stripe_mode, stripe_client
):
    from tests.after_sales.test_cancellation import cancel

    confirm(checkout, paid_order, review(client, paid_order, handle="recessed"))
    pay(checkout, stripe_mode, stripe_client, paid_order)
    paid_order.refresh_from_db()
    first_payment = paid_order.total_incl_tax - Decimal("25.00")

    response = cancel(checkout, paid_order)

    assert response.status_code == 302
    assert sorted(refund["amount"] for refund in stripe_mode.refunds) == sorted([2500, int(first_payment * 100)])
    change = DesignChange.objects.get()
    keys = {call.idempotency_key for call in stripe_mode.requests_to("POST", "/v1/refunds")}
    assert f"refund:{paid_order.number}:{change.refund_token}" in keys
    assert all(source.amount_refunded == source.amount_debited for source in paid_order.sources.all())
    assert PendingEarn.objects.get(order_number=paid_order.number).remaining == 0
    paid_order.refresh_from_db()
    assert paid_order.status == "Cancelled"
