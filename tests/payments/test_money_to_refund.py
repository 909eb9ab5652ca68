"""Money taken for a cancelled order shows up for staff as something to refund: listed on
Fulfilment → Paid but cancelled (the real stripe library, the fake Stripe server, real
signatures), counted on the health page, and gone once refunded in full."""

import uuid
from decimal import Decimal

import pytest
from django.test import Client
from oscar.core.loading import get_class, get_model

from portal import health
from tests.factories import CustomerFactory
from tests.payments.test_webhook_hardening import deliver, paid_at_stripe

pytestmark = pytest.mark.django_db

Order = get_model("order", "Order")
User = get_model("users", "User")
get_nodes = get_class("dashboard.menu", "get_nodes")

PAGE = "/dashboard/payments/to-refund/"


def staff(email="admin@atelier.example"):
    client = Client()
    client.force_login(User.objects.get(email=email))
    return client


def listed(client):
    response = client.get(PAGE)
    assert response.status_code == 200
    return [(p.order.number, p.amount_debited, p.amount_refunded, p.left) for p in response.context["payments"]]


def attention(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True  # the page must not wait on a worker here
    health.record_heartbeat(hostname="test")
    response = client.get("/dashboard/health/")
    assert response.status_code == 200
    [item] = [item for item in response.context["attention"] if item.url_name == "payments:to-refund"]
    return item.count, item.detail


@pytest.fixture
def paid_after_cancelling(checkout, stripe_mode, stripe_client):
    """An order cancelled while the bank was still checking, then paid: the webhook records the money."""
    order, intent_id = paid_at_stripe(checkout, stripe_mode, stripe_client)
    Order.objects.get(pk=order.pk).set_status("Cancelled")
    [succeeded] = stripe_mode.events_of("payment_intent.succeeded", intent_id)
    assert deliver(checkout, stripe_mode, succeeded["id"]).content == b"paid-after-cancellation"
    order.refresh_from_db()
    return order


def refund(client, checkout, order, amount):
    with checkout.capture(execute=True):
        response = client.post(
            f"/dashboard/orders/{order.number}/refund/",
            {"amount": str(amount), "reason": "Cancelled order", "token": uuid.uuid4()},
        )
    assert response.status_code == 302


def test_a_cancelled_order_holding_money_is_listed_until_refunded_in_full(
    paid_after_cancelling, checkout, stripe_mode, stripe_client, settings
):
    order, total = paid_after_cancelling, paid_after_cancelling.total_incl_tax
    # Neither a paid order going ahead nor a cancelled one never paid is money to refund.
    going_ahead, going_ahead_intent = paid_at_stripe(checkout, stripe_mode, stripe_client)
    deliver(checkout, stripe_mode, stripe_mode.events_of("payment_intent.succeeded", going_ahead_intent)[0]["id"])
    assert Order.objects.get(pk=going_ahead.pk).status == "Paid"
    checkout.add_stocked()
    never_paid = checkout.place_order()
    Order.objects.get(pk=never_paid.pk).set_status("Cancelled")
    admin = staff()

    assert listed(admin) == [(order.number, total, Decimal("0.00"), total)]
    html = admin.get(PAGE).content.decode()
    assert f'<a href="/dashboard/orders/{order.number}/">{order.number}</a>' in html
    assert attention(admin, settings) == (
        1,
        "1 cancelled order holds money taken and not refunded: refund it from each order's page.",
    )
    assert f'<a href="{PAGE}">Paid but cancelled: to refund</a>' in admin.get("/dashboard/health/").content.decode()

    refund(admin, checkout, order, Decimal("5.00"))
    assert listed(admin) == [(order.number, total, Decimal("5.00"), total - Decimal("5.00"))]

    refund(admin, checkout, order, total - Decimal("5.00"))
    order.refresh_from_db()
    assert order.status == "Cancelled"
    assert listed(admin) == []
    assert "No cancelled order holds money: nothing to refund." in admin.get(PAGE).content.decode()
    assert attention(admin, settings) == (0, "No cancelled order holds money: nothing to refund.")


def test_an_order_cancelled_by_staff_after_it_was_paid_is_listed_too(checkout, stripe_mode, stripe_client):
    order, intent_id = paid_at_stripe(checkout, stripe_mode, stripe_client)
    deliver(checkout, stripe_mode, stripe_mode.events_of("payment_intent.succeeded", intent_id)[0]["id"])
    Order.objects.get(pk=order.pk).set_status("Cancelled")  # Oscar's order page allows Paid -> Cancelled

    assert listed(staff()) == [(order.number, order.total_incl_tax, Decimal("0.00"), order.total_incl_tax)]


@pytest.mark.parametrize(
    ("email", "expected"),
    [
        ("admin@atelier.example", 200),
        ("planner@atelier.example", 200),  # staff who may view orders, as for Oscar's order list
        ("editor@atelier.example", 403),
        (None, 403),  # a customer
    ],
)
def test_the_list_is_for_staff_and_in_their_fulfilment_menu(email, expected):
    person = User.objects.get(email=email) if email else CustomerFactory()
    client = Client()
    client.force_login(person)

    assert client.get(PAGE).status_code == expected
    [fulfilment] = [node for node in get_nodes(person) if node.label == "Fulfilment"] or [None]
    in_menu = fulfilment is not None and PAGE in [child.url for child in fulfilment.children]
    assert in_menu is (expected == 200)


def test_signed_out_is_sent_to_sign_in():
    response = Client().get(PAGE)
    assert (response.status_code, response["Location"].split("?")[0]) == (302, "/accounts/login/")


def test_staff_who_may_not_view_orders_see_the_count_but_no_link(django_user_model, settings):
    person = django_user_model.objects.create_user(email="someone@staff.example", password="x")
    person.is_staff = True
    person.save(update_fields=["is_staff"])
    client = Client()
    client.force_login(person)

    assert client.get(PAGE).status_code == 403
    assert attention(client, settings) == (0, "No cancelled order holds money: nothing to refund.")
    assert f'href="{PAGE}"' not in client.get("/dashboard/health/").content.decode()
