"""Beat jobs and reconcilers make payments whole when a message was lost."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from oscar.core.loading import get_model

from portal.payments import tasks
from portal.payments.models import DemoPayment
from tests.payments.conftest import reconcile
from tests.payments.test_stripe_checkout import confirm_in_browser

pytestmark = pytest.mark.django_db
Order = get_model("order", "Order")


def age(order, **delta):
    Order.objects.filter(pk=order.pk).update(date_placed=timezone.now() - timedelta(**delta))


def paid_ago(order, **delta):
    """As if the order had been placed and paid `delta` ago."""
    age(order, **delta)
    Order.objects.get(pk=order.pk).status_changes.update(date_created=timezone.now() - timedelta(**delta))


def test_a_lost_webhook_is_made_good_by_the_reconciler(checkout, stripe_mode, stripe_client):
    checkout.add_stocked()
    order = checkout.place_order()
    confirm_in_browser(stripe_mode, stripe_client, order)  # paid at Stripe; webhook never arrives
    age(order, minutes=6)

    with checkout.capture(execute=True):
        assert reconcile("payments") == 1

    order.refresh_from_db()
    assert order.status == "Paid"
    assert len(mail.outbox) == 1


def test_recent_unpaid_orders_are_left_alone(checkout, demo_mode):
    checkout.add_stocked()
    order = checkout.place_order()

    assert reconcile("payments") == 0
    assert tasks.cancel_unpaid_orders() == 0
    order.refresh_from_db()
    assert order.status == "Pending payment"


def test_orders_unpaid_after_a_day_are_cancelled_with_their_payment(checkout, demo_mode):
    checkout.add_stocked()
    order = checkout.place_order()
    age(order, hours=25)

    assert tasks.cancel_unpaid_orders() == 1

    order.refresh_from_db()
    assert order.status == "Cancelled"
    assert DemoPayment.objects.get(order_number=order.number).status == "canceled"


def test_an_order_paid_at_the_last_minute_is_not_cancelled(checkout, stripe_mode, stripe_client):
    checkout.add_stocked()
    order = checkout.place_order()
    confirm_in_browser(stripe_mode, stripe_client, order)
    age(order, hours=25)

    with checkout.capture(execute=True):
        assert tasks.cancel_unpaid_orders() == 0

    order.refresh_from_db()
    assert order.status == "Paid"


def test_a_lost_confirmation_email_is_sent_again_once(checkout, demo_mode):
    checkout.add_stocked()
    order = checkout.place_order()
    checkout.client.post(
        f"/checkout/pay/{order.number}/", {"card_number": "4242424242424242"}
    )  # no on-commit: task lost
    paid_ago(order, minutes=11)
    assert mail.outbox == []

    reconcile("confirmations")
    reconcile("confirmations")

    assert [message.subject for message in mail.outbox] == [f"Confirmation of order {order.number}"]


def test_a_failed_attempt_is_noted_once_however_often_the_reconciler_asks(checkout, demo_mode):
    checkout.add_stocked()
    order = checkout.place_order()
    checkout.pay_demo(order, card="4000 0000 0000 0002")
    age(order, minutes=6)

    for _ in range(3):
        assert reconcile("payments") == 1

    order.refresh_from_db()
    assert order.status == "Payment failed"
    assert order.notes.filter(message="Payment attempt failed: Your card was declined.").count() == 1


def forget_payment(order):
    """The gateway no longer knows the order's payment (another account, a deleted test object)."""
    source = order.sources.get()
    DemoPayment.objects.filter(reference=source.reference).delete()
    source.reference = "pi_0000000000unknownatstripe"
    source.save(update_fields=["reference"])


UNKNOWN_NOTE = "The payment provider does not know this order's payment pi_0000000000unknownatstripe"


def warnings_on(order):
    return list(order.notes.filter(note_type="Warning").values_list("message", flat=True))


def test_an_order_stripe_does_not_know_does_not_stop_the_reconciler(checkout, stripe_mode, stripe_client):
    checkout.add_stocked()
    unknown = checkout.place_order()
    forget_payment(unknown)
    checkout.add_stocked()
    paid = checkout.place_order()
    confirm_in_browser(stripe_mode, stripe_client, paid)  # paid at Stripe; its webhook never arrives
    age(unknown, minutes=7)
    age(paid, minutes=6)

    with checkout.capture(execute=True):
        assert reconcile("payments") == 2
        assert reconcile("payments") == 1  # the unknown one, noted already

    paid.refresh_from_db()
    unknown.refresh_from_db()
    assert paid.status == "Paid"
    assert unknown.status == "Pending payment"
    [note] = warnings_on(unknown)
    assert note.startswith(UNKNOWN_NOTE)


def test_an_order_the_demo_gateway_does_not_know_does_not_stop_the_reconciler(checkout, demo_mode):
    checkout.add_stocked()
    unknown = checkout.place_order()
    forget_payment(unknown)
    checkout.add_stocked()
    failed = checkout.place_order()
    checkout.pay_demo(failed, card="4000 0000 0000 0002")
    Order.objects.filter(pk=failed.pk).update(status="Pending payment")  # the failure's webhook was lost
    age(unknown, minutes=7)
    age(failed, minutes=6)

    reconcile("payments")
    reconcile("payments")

    failed.refresh_from_db()
    assert failed.status == "Payment failed"
    [note] = warnings_on(Order.objects.get(pk=unknown.pk))
    assert note.startswith("The payment provider does not know this order's payment")


def test_cancelling_goes_on_past_an_order_the_gateway_does_not_know(checkout, stripe_mode):
    checkout.add_stocked()
    unknown = checkout.place_order()
    forget_payment(unknown)
    checkout.add_stocked()
    other = checkout.place_order()
    age(unknown, hours=26)
    age(other, hours=25)

    assert tasks.cancel_unpaid_orders() == 2
    assert tasks.cancel_unpaid_orders() == 0

    unknown.refresh_from_db()
    other.refresh_from_db()
    assert (unknown.status, other.status) == ("Cancelled", "Cancelled")
    assert stripe_mode.payment_intents[-1]["status"] == "canceled"
    [note] = warnings_on(unknown)
    assert note.startswith(UNKNOWN_NOTE)


def test_an_order_that_cannot_be_cancelled_is_noted_once_and_the_rest_are(checkout, demo_mode):
    checkout.add_stocked()
    stuck = checkout.place_order()
    checkout.add_stocked()
    other = checkout.place_order()
    # A payment the gateway reports in a state the order cannot follow (paid in another currency).
    DemoPayment.objects.filter(order_number=stuck.number).update(status="succeeded", currency="EUR")
    age(stuck, hours=26)
    age(other, hours=25)

    assert tasks.cancel_unpaid_orders() == 1
    assert tasks.cancel_unpaid_orders() == 0

    stuck.refresh_from_db()
    other.refresh_from_db()
    assert other.status == "Cancelled"
    assert stuck.status == "Pending payment"
    assert stuck.notes.filter(message__contains="but the order owes").count() == 1


def test_a_confirmation_is_sent_for_an_order_that_moved_on_before_its_mail_went_out(checkout, demo_mode):
    checkout.add_stocked()
    order = checkout.place_order()
    checkout.client.post(f"/checkout/pay/{order.number}/", {"card_number": "4242424242424242"})  # task lost
    order.refresh_from_db()
    order.set_status("In production")
    paid_ago(order, minutes=11)

    reconcile("confirmations")
    reconcile("confirmations")

    assert [message.subject for message in mail.outbox] == [f"Confirmation of order {order.number}"]


def test_the_confirmation_waits_ten_minutes_from_payment_not_from_placing(checkout, demo_mode):
    checkout.add_stocked()
    order = checkout.place_order()
    age(order, hours=2)  # placed long ago, paid just now: its own task is still on its way
    checkout.client.post(f"/checkout/pay/{order.number}/", {"card_number": "4242424242424242"})

    reconcile("confirmations")

    assert mail.outbox == []


def test_an_order_whose_confirmation_fails_does_not_stop_the_others(checkout, demo_mode):
    checkout.add_stocked()
    erased = checkout.place_order()
    checkout.add_stocked()
    other = checkout.place_order()
    for order in (erased, other):
        checkout.client.post(f"/checkout/pay/{order.number}/", {"card_number": "4242424242424242"})  # tasks lost
        paid_ago(order, minutes=11)
    # A guest order with no address to write to: sending its confirmation cannot work.
    Order.objects.filter(pk=erased.pk).update(guest_email="")

    reconcile("confirmations")
    reconcile("confirmations")

    assert [message.subject for message in mail.outbox] == [f"Confirmation of order {other.number}"]
    assert len(warnings_on(erased)) == 1
