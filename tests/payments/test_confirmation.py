"""The confirmation email: rendered and sent with nothing locked, exactly once per order."""

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from oscar.core.loading import get_class, get_model

from portal.documents import services as documents
from portal.documents.models import OrderConfirmation
from tests.helpers import at_once, lockable_elsewhere
from tests.payments.test_stripe_checkout import _no_capture

Order = get_model("order", "Order")
OrderDispatcher = get_class("order.utils", "OrderDispatcher")
postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's row locks")


def paid_without_mail(shopper):
    """A paid order whose confirmation task never ran (or, with committed rows, whose email is forgotten)."""
    shopper.add_stocked()
    order = shopper.place_order()
    shopper.client.post(f"/checkout/pay/{order.number}/", {"card_number": "4242424242424242"})
    order.refresh_from_db()
    assert order.status == "Paid"
    OrderConfirmation.objects.filter(order=order).delete()
    order.communication_events.all().delete()
    mail.outbox.clear()
    return order


def subjects():
    return [message.subject for message in mail.outbox]


@pytest.mark.django_db(transaction=True)
def test_the_invoice_is_rendered_and_the_email_sent_outside_any_transaction(
    committed_demo_shop, demo_mode, monkeypatch
):
    from tests.payments.conftest import Checkout

    order = paid_without_mail(Checkout(Client(), capture_on_commit=_no_capture))
    in_transaction = {}
    render, send = documents.invoice_pdf, OrderDispatcher.send_order_placed_email_for_user

    def rendering(order):
        in_transaction["render"] = connection.in_atomic_block
        return render(order)

    def sending(self, *args, **kwargs):
        in_transaction["send"] = connection.in_atomic_block
        return send(self, *args, **kwargs)

    monkeypatch.setattr(documents, "invoice_pdf", rendering)
    monkeypatch.setattr(OrderDispatcher, "send_order_placed_email_for_user", sending)

    assert documents.send_order_confirmation(order_id=order.pk) is True

    assert in_transaction == {"render": False, "send": False}
    assert subjects() == [f"Confirmation of order {order.number}"]


@pytest.mark.django_db
def test_sending_twice_sends_once(checkout, demo_mode):
    order = paid_without_mail(checkout)

    assert documents.send_order_confirmation(order_id=order.pk) is True
    assert documents.send_order_confirmation(order_id=order.pk) is False

    assert subjects() == [f"Confirmation of order {order.number}"]
    assert OrderConfirmation.objects.get(order=order).sent_at is not None


@pytest.mark.django_db
def test_a_failed_send_is_noted_once_and_the_retry_sends_it(checkout, demo_mode, monkeypatch):
    order = paid_without_mail(checkout)
    send = OrderDispatcher.send_order_placed_email_for_user
    failures = iter([OSError("mail server refused the connection")] * 2)

    def flaky(self, *args, **kwargs):
        error = next(failures, None)
        if error:
            raise error
        return send(self, *args, **kwargs)

    monkeypatch.setattr(OrderDispatcher, "send_order_placed_email_for_user", flaky)

    for _ in range(2):
        with pytest.raises(OSError, match="refused"):
            documents.send_order_confirmation(order_id=order.pk)
    assert documents.send_order_confirmation(order_id=order.pk) is True

    assert subjects() == [f"Confirmation of order {order.number}"]
    assert list(order.notes.filter(note_type="Warning").values_list("message", flat=True)) == [
        "The confirmation email could not be sent: OSError: mail server refused the connection"
    ]


@pytest.mark.django_db(transaction=True)
@postgresql_only
def test_two_workers_at_once_send_one_email(committed_demo_shop, demo_mode):
    from tests.payments.conftest import Checkout

    order = paid_without_mail(Checkout(Client(), capture_on_commit=_no_capture))

    outcomes = at_once(lambda order_id: documents.send_order_confirmation(order_id=order_id), [order.pk, order.pk])

    assert sorted(outcomes) == [False, True]
    assert subjects() == [f"Confirmation of order {order.number}"]


@pytest.mark.django_db(transaction=True)
@postgresql_only
def test_the_order_can_be_locked_while_its_invoice_renders(committed_demo_shop, demo_mode, monkeypatch):
    from tests.payments.conftest import Checkout

    order = paid_without_mail(Checkout(Client(), capture_on_commit=_no_capture))
    render, seen = documents.invoice_pdf, []

    def a_webhook_needs_the_order_meanwhile(order):
        seen.append(lockable_elsewhere(Order, order.pk))
        return render(order)

    monkeypatch.setattr(documents, "invoice_pdf", a_webhook_needs_the_order_meanwhile)

    documents.send_order_confirmation(order_id=order.pk)

    assert seen == ["free"]
