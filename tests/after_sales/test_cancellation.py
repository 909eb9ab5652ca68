"""A shopper cancels a paid order from the hub until production starts: work withdrawn, the money
refunded through Stripe (once, with a key derived from the order), points given and taken back,
the customer told; refused in words, changing nothing, once an operation has started."""

import re
import uuid
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from oscar.core.loading import get_model

from loyalty.models import LedgerEntry, LoyaltyAccount, PendingEarn
from portal.after_sales.models import Cancellation
from portal.payments.selectors import money_to_refund
from production.models import Operation, ProductionEvent
from production.services import floor
from tests.payments.conftest import reconcile

pytestmark = pytest.mark.django_db
User = get_model("users", "User")


def cancel(checkout, order, *, key=None, reason="changed-mind", client=None):
    client = client or checkout.client
    with checkout.capture(execute=True):
        return client.post(
            f"/accounts/orders/{order.number}/cancel/", {"reason": reason, "key": str(key or uuid.uuid4())}
        )


def start_first_operation(order):
    operation = Operation.objects.filter(work_order__order=order, after__isnull=True).order_by("pk").first()
    operation.work_center = operation.alternatives.first().work_center
    operation.save(update_fields=["work_center"])
    floor.start_operation(operation=operation, user=User.objects.get(email="planner@atelier.example"))
    return operation


def test_the_order_page_offers_to_cancel_and_the_confirmation_says_what_comes_back(client, paid_order):
    page = client.get(f"/accounts/orders/{paid_order.number}/").content.decode()
    assert f'href="/accounts/orders/{paid_order.number}/cancel/"' in page

    confirm = client.get(f"/accounts/orders/{paid_order.number}/cancel/")

    assert confirm.status_code == 200
    html = confirm.content.decode()
    assert f"we refund £{paid_order.total_incl_tax:,}" in html
    earned = PendingEarn.objects.get(order_number=paid_order.number).points
    assert f"the {earned} points it earned are taken back" in html
    assert 'name="key"' in html and "I changed my mind" in html


def test_cancelling_withdraws_the_work_refunds_in_full_and_tells_the_customer(
    client, checkout, paid_order, stripe_mode, refunded_events
):
    earned = PendingEarn.objects.get(order_number=paid_order.number).points

    response = cancel(checkout, paid_order)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/orders/{paid_order.number}/"
    paid_order.refresh_from_db()
    assert paid_order.status == "Cancelled"
    operations = Operation.objects.filter(work_order__order=paid_order)
    assert set(operations.values_list("status", flat=True)) == {"withdrawn"}
    assert not operations.filter(planned_start__isnull=False).exists()
    assert ProductionEvent.objects.filter(order=paid_order, kind="withdrawn").count() == paid_order.work_orders.count()
    # Refunded in full through Stripe, with the key derived from the order.
    [stripe_refund] = stripe_mode.refunds
    assert stripe_refund["amount"] == int(paid_order.total_incl_tax * 100)
    cancellation = Cancellation.objects.get(order=paid_order)
    [call] = stripe_mode.requests_to("POST", "/v1/refunds")
    assert call.idempotency_key == f"refund:{paid_order.number}:{cancellation.refund_token}"
    assert cancellation.refund_token == Cancellation.refund_token_for(paid_order.number)
    assert paid_order.sources.get().amount_refunded == paid_order.total_incl_tax
    assert refunded_events == [(paid_order.number, paid_order.total_incl_tax)]
    # The points it earned are taken back (pending until delivery).
    pending = PendingEarn.objects.get(order_number=paid_order.number)
    assert (pending.reversed_points, pending.remaining) == (earned, 0)
    assert paid_order.notes.filter(message__startswith="Cancelled by the customer before production started").exists()
    # Told by e-mail, recorded on the order.
    [message] = [m for m in mail.outbox if "cancelled" in m.subject]
    assert message.subject == f"Your order {paid_order.number} is cancelled"
    assert f"We are refunding £{paid_order.total_incl_tax:,}" in message.body
    assert paid_order.communication_events.filter(event_type__code="ORDER_CANCELLED").count() == 1
    # The order page says so.
    page = client.get(f"/accounts/orders/{paid_order.number}/").content.decode()
    assert "Cancelled at your request" in page
    assert re.search(rf"Refunded £{re.escape(f'{paid_order.total_incl_tax:,}')} to your card on", page)
    assert "/cancel/" not in page


def test_points_redeemed_on_the_order_come_back(client, checkout, shopper, stripe_mode, stripe_client):
    from loyalty.services.staff import adjust_points
    from tests.payments.test_stripe_checkout import _signed, confirm_in_browser

    adjust_points(user_id=shopper.pk, points=2000, reason="Test balance", staff=User.objects.filter(is_staff=True)[0])
    checkout.add_configured("atelier-fridge")
    checkout.to_preview()
    client.post("/checkout/points/", {"points": "2000"})
    order = checkout.place_order()
    intent_id = confirm_in_browser(stripe_mode, stripe_client, order)
    [event] = stripe_mode.events_of("payment_intent.succeeded", intent_id)
    checkout.post("/stripe/webhook/", **_signed(stripe_mode, event["id"]))
    account = LoyaltyAccount.objects.get(user=shopper)
    before = account.available
    assert (
        "the 2000 points you used on it come back"
        in client.get(f"/accounts/orders/{order.number}/cancel/").content.decode()
    )

    cancel(checkout, order)

    account.refresh_from_db()
    assert Cancellation.objects.get(order=order).points_returned == 2000
    returned = LedgerEntry.objects.filter(account=account, reference=order.number, kind="reverse", points__gt=0)
    assert sum(returned.values_list("points", flat=True)) == 2000
    assert account.available == before + 2000


def test_a_double_click_cancels_once(checkout, paid_order, stripe_mode):
    key = uuid.uuid4()

    first = cancel(checkout, paid_order, key=key)
    second = cancel(checkout, paid_order, key=key)

    assert (first.status_code, second.status_code) == (302, 302)
    assert Cancellation.objects.count() == 1
    assert len(stripe_mode.refunds) == 1
    assert len([m for m in mail.outbox if "cancelled" in m.subject]) == 1
    assert paid_order.status_changes.filter(new_status="Cancelled").count() == 1


def test_a_second_cancellation_from_another_form_is_refused(checkout, paid_order, stripe_mode):
    cancel(checkout, paid_order)

    again = cancel(checkout, paid_order)

    assert again.status_code == 409
    assert "This order is cancelled." in again.content.decode()
    assert len(stripe_mode.refunds) == 1


def test_cancelling_after_production_started_is_refused_and_changes_nothing(client, checkout, paid_order, stripe_mode):
    started = start_first_operation(paid_order)
    withdrawn_before = Operation.objects.filter(status="withdrawn").count()

    response = cancel(checkout, paid_order)

    assert response.status_code == 409
    html = response.content.decode()
    assert re.search(rf"Production started on \d+ \w+ at the {started.name.lower()} step: contact us", html)
    assert f"/tickets/new/?order={paid_order.number}" in html
    paid_order.refresh_from_db()
    assert paid_order.status == "In production"
    assert Operation.objects.filter(status="withdrawn").count() == withdrawn_before
    assert not Cancellation.objects.exists()
    assert not stripe_mode.refunds
    page = client.get(f"/accounts/orders/{paid_order.number}/").content.decode()
    assert "Production started on" in page and "/cancel/" not in page


def test_an_operation_started_while_the_order_still_reads_paid_refuses_the_cancellation(checkout, paid_order):
    """The status is not the rule: a started operation is (the withdrawal checks it after its update)."""
    from portal.after_sales import cancellation as service

    operation = Operation.objects.filter(work_order__order=paid_order).order_by("pk").first()
    Operation.objects.filter(pk=operation.pk).update(status="started")  # the order row not yet moved on

    with pytest.raises(service.CancellationRefused, match="Production started at the"):
        service.cancel_order(order=paid_order, by=paid_order.user, reason="mistake", key=uuid.uuid4())

    paid_order.refresh_from_db()
    assert paid_order.status == "Paid"
    assert not Operation.objects.filter(work_order__order=paid_order, status="withdrawn").exists()


def test_another_customers_order_is_404_and_anonymous_must_sign_in(checkout, paid_order, other_customer, stripe_mode):
    from django.test import Client

    assert other_customer.get(f"/accounts/orders/{paid_order.number}/cancel/").status_code == 404
    assert cancel(checkout, paid_order, client=other_customer).status_code == 404
    anonymous = Client().post(f"/accounts/orders/{paid_order.number}/cancel/", {"reason": "mistake"})
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    paid_order.refresh_from_db()
    assert paid_order.status == "Paid"
    assert not stripe_mode.refunds


@pytest.mark.parametrize(
    "data",
    [{"reason": "", "key": str(uuid.uuid4())}, {"reason": "gone", "key": str(uuid.uuid4())}, {"reason": "mistake"}],
)
def test_a_form_without_a_reason_or_key_cancels_nothing(client, paid_order, data):
    response = client.post(f"/accounts/orders/{paid_order.number}/cancel/", data)

    assert response.status_code == 422
    paid_order.refresh_from_db()
    assert paid_order.status == "Paid"


def test_a_key_from_another_orders_form_is_refused(checkout, paid_order, stripe_mode):
    from tests.factories import OrderFactory

    key = uuid.uuid4()
    other = OrderFactory(user=paid_order.user)
    cancel(checkout, other, key=key)

    response = cancel(checkout, paid_order, key=key)

    assert response.status_code == 409
    assert "This form was for another order" in response.content.decode()
    paid_order.refresh_from_db()
    assert paid_order.status == "Paid"


def test_a_refund_stripe_declines_leaves_the_order_cancelled_and_is_asked_again(
    client, checkout, paid_order, stripe_mode
):
    stripe_mode.fail_next("/v1/refunds", status=400)

    response = cancel(checkout, paid_order)

    assert response.status_code == 302
    paid_order.refresh_from_db()
    assert paid_order.status == "Cancelled"
    assert not stripe_mode.refunds
    # Staff see it: a warning on the order, and the list of cancelled orders holding money.
    assert paid_order.notes.filter(note_type="Warning", message__contains="asked for again automatically").exists()
    assert [source.order.number for source in money_to_refund()] == [paid_order.number]
    page = client.get(f"/accounts/orders/{paid_order.number}/").content.decode()
    assert 'data-refund-state="pending"' in page

    with checkout.capture(execute=True):
        assert reconcile("cancellation-refunds") == 1

    [stripe_refund] = stripe_mode.refunds
    assert stripe_refund["amount"] == int(paid_order.total_incl_tax * 100)
    cancellation = Cancellation.objects.get(order=paid_order)
    keys = {call.idempotency_key for call in stripe_mode.requests_to("POST", "/v1/refunds")}
    assert keys == {f"refund:{paid_order.number}:{cancellation.refund_token}"}
    assert paid_order.sources.get().amount_refunded == paid_order.total_incl_tax
    assert PendingEarn.objects.get(order_number=paid_order.number).remaining == 0
    assert not money_to_refund().exists()
    with checkout.capture(execute=True):
        assert reconcile("cancellation-refunds") == 0  # nothing left to ask for
    assert len(stripe_mode.refunds) == 1


def test_the_cancellation_mail_goes_once_and_a_lost_one_is_sent_by_the_reconciler(checkout, paid_order):
    from portal.after_sales import mail as cancellation_mail

    cancel(checkout, paid_order)
    cancellation = Cancellation.objects.get(order=paid_order)
    assert cancellation.refund_amount == paid_order.total_incl_tax
    assert cancellation_mail.send_cancellation_mail(cancellation_id=cancellation.pk) is False  # sent already
    assert len([m for m in mail.outbox if "cancelled" in m.subject]) == 1

    # A mail whose task was lost: the reconciler finds it after ten minutes and sends it, once.
    Cancellation.objects.filter(pk=cancellation.pk).update(
        emailed_at=None, created_at=timezone.now() - timedelta(minutes=11)
    )
    with checkout.capture(execute=True):
        assert reconcile("cancellation-mails") == 1
    with checkout.capture(execute=True):
        assert reconcile("cancellation-mails") == 0
    assert len([m for m in mail.outbox if "cancelled" in m.subject]) == 2


def test_an_order_cancelled_before_its_release_is_never_released(shopper):
    """order_paid's release task can arrive after the cancellation (a slow worker): it makes nothing."""
    from portal.after_sales import cancellation as service
    from production.services.release import release_order_to_production
    from tests.factories import OrderFactory

    order = OrderFactory(user=shopper, configured=[("atelier-fridge", {"hinge": "left"}, 1)])
    service.cancel_order(order=order, by=shopper, reason="mistake", key=uuid.uuid4())

    assert release_order_to_production(order_id=order.pk) == []
    assert not order.work_orders.exists()


def test_cancelling_re_plans_the_plant_after_commit(checkout, paid_order, monkeypatch):
    from production import tasks as production_tasks

    asked = []
    monkeypatch.setattr(production_tasks.replan_plant, "delay", lambda *args: asked.append(args))

    cancel(checkout, paid_order)

    plant_id = paid_order.work_orders.get().plant_id
    assert asked == [(plant_id, f"order {paid_order.number} cancelled")]


def test_an_order_cancelled_before_its_points_task_ran_earns_nothing_and_returns_the_points(
    client, checkout, shopper, stripe_mode, stripe_client, monkeypatch
):
    """A busy worker runs order_paid's points task after the cancellation: it spends and earns nothing."""
    from loyalty import tasks as loyalty_tasks
    from loyalty.services.staff import adjust_points
    from tests.payments.test_stripe_checkout import _signed, confirm_in_browser

    adjust_points(user_id=shopper.pk, points=2000, reason="Test balance", staff=User.objects.filter(is_staff=True)[0])
    account = LoyaltyAccount.objects.get(user=shopper)
    before = account.available
    late = []
    monkeypatch.setattr(loyalty_tasks.earn_for_paid_order, "delay", lambda *args: late.append(args))
    checkout.add_configured("atelier-fridge")
    checkout.to_preview()
    client.post("/checkout/points/", {"points": "2000"})
    order = checkout.place_order()
    intent_id = confirm_in_browser(stripe_mode, stripe_client, order)
    [event] = stripe_mode.events_of("payment_intent.succeeded", intent_id)
    checkout.post("/stripe/webhook/", **_signed(stripe_mode, event["id"]))

    cancel(checkout, order)
    with checkout.capture(execute=True):
        loyalty_tasks.earn_for_paid_order(*late[0])

    account.refresh_from_db()
    assert account.available == before
    assert not PendingEarn.objects.filter(order_number=order.number).exists()
    assert len(stripe_mode.refunds) == 1


def test_an_unexpected_gateway_error_leaves_the_cancellation_and_a_stale_request_is_asked_again(
    client, checkout, paid_order, stripe_mode
):
    """Stripe answering in a way the gateway does not expect (a card error on a refund) must not fail
    the customer's request after the cancellation committed; the request left behind is asked again."""
    from portal.payments.models import RefundRequest

    stripe_mode.fail_next("/v1/refunds", status=402)

    response = cancel(checkout, paid_order)

    assert response.status_code == 302
    paid_order.refresh_from_db()
    assert paid_order.status == "Cancelled"
    assert paid_order.notes.filter(note_type="Warning", message__contains="was not made").exists()
    RefundRequest.objects.filter(order=paid_order).update(created_at=timezone.now() - timedelta(minutes=11))

    with checkout.capture(execute=True):
        reconcile("cancellation-refunds")

    [stripe_refund] = stripe_mode.refunds
    assert stripe_refund["amount"] == int(paid_order.total_incl_tax * 100)
    assert paid_order.sources.get().amount_refunded == paid_order.total_incl_tax
