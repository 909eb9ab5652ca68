"""What the reconciler does for design changes: a lost webhook's payment applied, a day-old unpaid
difference abandoned (the order as it was), a refused refund asked for again with the same key."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from portal.after_sales.models import DesignChange
from production.selectors.release import configuration_of
from tests.after_sales.test_design_changes import confirm, line_of, review
from tests.payments.conftest import reconcile
from tests.payments.test_stripe_checkout import confirm_in_browser

pytestmark = pytest.mark.django_db


def confirmed_a_while_ago(minutes):
    DesignChange.objects.update(created_at=timezone.now() - timedelta(minutes=minutes))


def test_a_paid_difference_whose_webhook_was_lost_is_applied_by_the_reconciler(
    client, checkout, paid_order, stripe_mode, stripe_client
):
    confirm(checkout, paid_order, review(client, paid_order, handle="recessed"))
    confirm_in_browser(stripe_mode, stripe_client, paid_order)  # paid; the webhook never comes
    confirmed_a_while_ago(11)

    with checkout.capture(execute=True):
        assert reconcile("design-change-payments") == 1

    assert DesignChange.objects.get().state == "applied"
    assert configuration_of(line_of(paid_order))[2]["handle"] == "recessed"
    with checkout.capture(execute=True):
        assert reconcile("design-change-payments") == 0


def test_a_difference_unpaid_for_a_day_is_abandoned_and_its_payment_cancelled(
    client, checkout, paid_order, stripe_mode
):
    confirm(checkout, paid_order, review(client, paid_order, handle="recessed"))
    confirmed_a_while_ago(10)
    with checkout.capture(execute=True):
        reconcile("design-change-payments")
    assert DesignChange.objects.get().state == "awaiting-payment"  # ten minutes is not a day

    confirmed_a_while_ago(25 * 60)
    with checkout.capture(execute=True):
        reconcile("design-change-payments")

    assert DesignChange.objects.get().state == "abandoned"
    assert stripe_mode.payment_intents[-1]["status"] == "canceled"
    assert configuration_of(line_of(paid_order))[2]["handle"] == "bar"


def test_a_cheaper_designs_refund_stripe_declines_is_asked_again_with_the_same_key(
    client, checkout, paid_order, stripe_mode
):
    stripe_mode.fail_next("/v1/refunds", status=400)

    response = confirm(checkout, paid_order, review(client, paid_order, capacity="300"))

    assert response.status_code == 302
    change = DesignChange.objects.get()
    assert change.state == "applied" and not stripe_mode.refunds
    assert paid_order.notes.filter(note_type="Warning", message__contains="was not refunded").exists()
    DesignChange.objects.update(decided_at=timezone.now() - timedelta(minutes=11))

    with checkout.capture(execute=True):
        assert reconcile("design-change-refunds") == 1

    [refund] = stripe_mode.refunds
    assert refund["amount"] == 15000
    keys = {call.idempotency_key for call in stripe_mode.requests_to("POST", "/v1/refunds")}
    assert keys == {f"refund:{paid_order.number}:{change.refund_token}"}
    assert card_refunded(paid_order) == Decimal("150.00")
    with checkout.capture(execute=True):
        assert reconcile("design-change-refunds") == 0


def card_refunded(order):
    from portal.payments.selectors import card_source

    return card_source(order).amount_refunded
