"""A claim decided as a refund is paid through the portal's refund path (Stripe, fake server): the amount
fixed on the server, once per claim (a key from the RMA), noted on the claim, timeline and mail; a
refund Stripe declines leaves the decision standing, noted for staff, and is asked again."""

import uuid

import pytest
from django.core import mail
from oscar.core.loading import get_model

from atelier.orders import OrderStatus
from care.claims import services
from care.claims.models import ClaimStep
from care.claims.selectors import claims_to_refund
from portal.after_sales.claim_refunds import refund_claim
from portal.payments.models import RefundRequest
from tests.after_sales import conftest as after_sales
from tests.payments.conftest import reconcile

pytestmark = pytest.mark.django_db

# A shopper's fridge paid on the fake Stripe (the cancellation tests' fixtures).
checkout = after_sales.checkout
stripe_mode = after_sales.stripe_mode
refunded_events = after_sales.refunded_events
shopper = after_sales.shopper
paid_order = after_sales.paid_order

OrderStatusChange = get_model("order", "OrderStatusChange")
AGENT = "care@atelier.example"


@pytest.fixture
def delivered(paid_order):
    for old, new in [(OrderStatus.PAID, OrderStatus.SHIPPED), (OrderStatus.SHIPPED, OrderStatus.DELIVERED)]:
        OrderStatusChange.objects.create(order=paid_order, old_status=old, new_status=new)
    type(paid_order).objects.filter(pk=paid_order.pk).update(status=OrderStatus.DELIVERED)
    paid_order.refresh_from_db()
    return paid_order


@pytest.fixture
def claim(delivered):
    line = delivered.lines.get()
    claim, _ = services.file_claim(
        user=delivered.user,
        order=delivered,
        line=line,
        kind="warranty",
        reason="The door seal is torn",
        quantity=1,
        submission_key=uuid.uuid4(),
    )
    return claim


@pytest.fixture
def agent(django_user_model):
    return django_user_model.objects.get(email=AGENT)


def test_a_refund_decision_refunds_the_line_once_through_stripe_and_tells_the_customer(
    claim, delivered, agent, client, stripe_mode, refunded_events, django_capture_on_commit_callbacks
):
    line = claim.line
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.decide_claim(claim=claim, decision="refund", reason="Seal cannot be repaired", actor=agent)

    claim.refresh_from_db()
    assert claim.refund_amount == line.line_price_incl_tax  # the server's figure: one of one piece
    [stripe_refund] = stripe_mode.refunds
    assert stripe_refund["amount"] == int(line.line_price_incl_tax * 100)
    [call] = stripe_mode.requests_to("POST", "/v1/refunds")
    assert call.idempotency_key == f"refund:{delivered.number}:{claim.refund_token}"
    assert (claim.refunded_amount, claim.refunded_at is not None) == (line.line_price_incl_tax, True)
    assert refunded_events == [(delivered.number, line.line_price_incl_tax)]
    assert list(claim.events.values_list("step", flat=True)) == [ClaimStep.FILED, ClaimStep.DECIDED, ClaimStep.REFUNDED]
    subjects = sorted(message.subject for message in mail.outbox)
    assert subjects == [f"Our decision on your claim {claim.rma}", f"Your refund for {claim.rma} is on its way"]
    page = client.get(f"/accounts/orders/{delivered.number}/").content.decode()
    assert f"Refunded {line.line_price_incl_tax} GBP to your card for {line.title} ({claim.rma})." in page

    # Asked again (a retry, the reconciler): nothing more at Stripe, nothing more told.
    refund_claim(claim_id=claim.pk)
    assert len(stripe_mode.refunds) == 1 and RefundRequest.objects.count() == 1
    assert claim.events.count() == 3
    assert claims_to_refund() == []


def test_a_refund_stripe_declines_leaves_the_decision_noted_for_staff_and_is_asked_again(
    claim, delivered, agent, stripe_mode, django_capture_on_commit_callbacks
):
    stripe_mode.fail_next("/v1/refunds", status=400)

    with django_capture_on_commit_callbacks(execute=True):
        services.decide_claim(claim=claim, decision="refund", reason="Seal cannot be repaired", actor=agent)

    claim.refresh_from_db()
    assert (claim.decision, claim.refunded_at) == ("refund", None)
    assert delivered.notes.filter(message__startswith=f"The refund for claim {claim.rma} was not made").count() == 1
    assert claims_to_refund() == [claim.pk]

    with django_capture_on_commit_callbacks(execute=True):
        assert reconcile("claim-refunds") == 1

    claim.refresh_from_db()
    assert claim.refunded_at is not None and len(stripe_mode.refunds) == 1
    assert claims_to_refund() == []
