"""Beat jobs make payments whole when a message was lost."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from oscar.core.loading import get_model

from portal.payments import tasks
from portal.payments.models import DemoPayment
from tests.payments.test_stripe_checkout import confirm_in_browser

pytestmark = pytest.mark.django_db
Order = get_model("order", "Order")


def age(order, **delta):
    Order.objects.filter(pk=order.pk).update(date_placed=timezone.now() - timedelta(**delta))


def test_a_lost_webhook_is_made_good_by_the_reconciler(checkout, stripe_mode, stripe_client):
    checkout.add_stocked()
    order = checkout.place_order()
    confirm_in_browser(stripe_mode, stripe_client, order)  # paid at Stripe; webhook never arrives
    age(order, minutes=6)

    with checkout.capture(execute=True):
        assert tasks.reconcile_pending_payments() == 1

    order.refresh_from_db()
    assert order.status == "Paid"
    assert len(mail.outbox) == 1


def test_recent_unpaid_orders_are_left_alone(checkout, demo_mode):
    checkout.add_stocked()
    order = checkout.place_order()

    assert tasks.reconcile_pending_payments() == 0
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
    age(order, minutes=11)
    assert mail.outbox == []

    tasks.resend_missing_confirmations()
    tasks.resend_missing_confirmations()

    assert [message.subject for message in mail.outbox] == [f"Confirmation of order {order.number}"]


def test_a_failed_attempt_is_noted_once_however_often_the_reconciler_asks(checkout, demo_mode):
    checkout.add_stocked()
    order = checkout.place_order()
    checkout.pay_demo(order, card="4000 0000 0000 0002")
    age(order, minutes=6)

    for _ in range(3):
        assert tasks.reconcile_pending_payments() == 0

    order.refresh_from_db()
    assert order.status == "Payment failed"
    assert order.notes.filter(message="Payment attempt failed: Your card was declined.").count() == 1
