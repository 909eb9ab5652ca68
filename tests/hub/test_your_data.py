"""Your data: a complete export of one's own data, and a deletion request one can still cancel."""

import json
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from oscar.core.loading import get_model

from care import services as care_services
from care.models import Author, Topic
from configurator import services as configurator_services
from loyalty.services.referrals import register_referral
from loyalty.wallet.services.cards import issue_store_credit
from portal.hub import services
from portal.hub.models import DeletionRequest
from portal.hub.tasks import erase_due_accounts
from tests.factories import PASSWORD, CustomerFactory, LoyaltyAccountFactory, OrderFactory

pytestmark = pytest.mark.django_db

Order = get_model("order", "Order")
User = get_user_model()
Notification = get_model("communication", "Notification")

FRIDGE = ("atelier-fridge", {"hinge": "left", "finish": "sage", "ice_maker": True, "water_kit": True}, 1)


def export(client):
    response = client.get("/accounts/data/export.json")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    return json.loads(response.content)


def test_the_export_holds_the_customers_own_data_and_nobody_elses(signed_in, customer):
    fridge = OrderFactory(user=customer, status="Delivered", configured=[FRIDGE])
    parts = OrderFactory(user=customer)
    LoyaltyAccountFactory(user=customer, points=500)
    other = CustomerFactory()
    OrderFactory(user=other)
    for owner, name in ((customer, "Mine"), (other, "Theirs")):
        configurator_services.save_design(family_slug="atelier-fridge", values={}, owner=owner, name=name)

    data = export(signed_in)

    assert data["profile"]["email"] == customer.email
    assert sorted(order["number"] for order in data["orders"]) == sorted([fridge.number, parts.number])
    [fridge_data] = [order for order in data["orders"] if order["number"] == fridge.number]
    assert fridge_data["lines"][0]["configuration"]  # the choices, in words
    assert [design["name"] for design in data["designs"]] == ["Mine"]
    assert data["points"]["tier"] and data["points"]["ledger"]  # the points history, line by line
    assert other.email not in json.dumps(data)


def test_the_export_needs_a_login(client):
    assert client.get("/accounts/data/export.json").status_code == 302


def test_a_wrong_password_records_no_request(signed_in):
    response = signed_in.post("/accounts/profile/delete/", {"password": "guess", "understood": "on"})

    assert response.status_code == 422
    assert "That is not your password." in response.content.decode()
    assert not DeletionRequest.objects.exists()


def test_the_request_must_be_confirmed(signed_in):
    response = signed_in.post("/accounts/profile/delete/", {"password": PASSWORD})

    assert response.status_code == 422 and not DeletionRequest.objects.exists()


def test_a_request_is_recorded_told_and_can_be_cancelled(signed_in, customer):
    response = signed_in.post("/accounts/profile/delete/", {"password": PASSWORD, "understood": "on"})

    assert response.status_code == 302
    request = DeletionRequest.objects.get(user=customer)
    assert request.erase_after - request.requested_at == timedelta(days=14)
    assert "due to be deleted" in signed_in.get("/accounts/").content.decode()
    assert customer.notifications.filter(subject__contains="deleted").exists()

    signed_in.post("/accounts/data/cancel-deletion/")

    request.refresh_from_db()
    assert request.cancelled_at is not None
    erase_due_accounts.apply()
    assert User.objects.filter(pk=customer.pk).exists()


def test_asking_twice_keeps_the_first_date(customer):
    first = services.request_deletion(user=customer)

    second = services.request_deletion(user=customer)

    assert second.pk == first.pk and second.erase_after == first.erase_after
    assert Notification.objects.filter(recipient=customer, subject="Your account is due to be deleted").count() == 1


def test_erasure_waits_for_the_grace_period_then_keeps_orders_without_the_person(customer):
    order = OrderFactory(user=customer, status="Delivered")
    configurator_services.save_design(family_slug="atelier-fridge", values={}, owner=customer, name="Mine")
    request = services.request_deletion(user=customer)

    assert erase_due_accounts.apply().get() == 0  # not yet
    DeletionRequest.objects.filter(pk=request.pk).update(erase_after=timezone.now() - timedelta(minutes=1))
    assert erase_due_accounts.apply().get() == 1

    assert not User.objects.filter(pk=customer.pk).exists()
    order.refresh_from_db()
    assert order.user_id is None  # the invoice stays on the books, unlinked
    request.refresh_from_db()
    assert request.erased_at and request.user_id is None and request.reason == ""
    assert erase_due_accounts.apply().get() == 0  # idempotent


def test_staff_close_their_accounts_elsewhere(login):
    response = login("planner@atelier.example").post(
        "/accounts/profile/delete/", {"password": "atelier-planner", "understood": "on"}, follow=True
    )

    assert "closed by an administrator" in response.content.decode()
    assert not DeletionRequest.objects.exists()


def test_staff_see_deletion_requests_in_the_admin(login, customer):
    services.request_deletion(user=customer)

    response = login("admin@atelier.example").get("/django-admin/hub/deletionrequest/")

    assert response.status_code == 200
    assert customer.email in response.content.decode()


def test_the_export_holds_tickets_wallet_and_referrals_but_no_internal_notes(signed_in, customer):
    ticket, _ = care_services.open_ticket(
        topic=Topic.objects.first(), user=customer, subject="Door rattles", body="The door rattles."
    )
    care_services.reply(ticket=ticket, body="Check the hinge batch.", author_kind=Author.STAFF, internal=True)
    issue_store_credit(customer, "12.50", "Sorry for the wait", key="export-test")
    friend = CustomerFactory(first_name="Noor")
    register_referral(referrer=customer, friend=friend)

    data = export(signed_in)

    [exported] = data["tickets"]
    assert exported["reference"] == ticket.reference
    assert [message["body"] for message in exported["messages"]] == ["The door rattles."]  # not staff's note
    assert data["wallet"]["balances"] == [
        {"kind": "store_credit", "code_ends_in": "", "balance": "12.50", "currency": "GBP", "expires": None}
    ]
    assert [entry["reason"] for entry in data["wallet"]["ledger"]] == ["Sorry for the wait"]
    assert [friend["status"] for friend in data["referrals"]["friends_invited"]] == ["pending"]
    assert data["claims"] == [] and data["referrals"]["invited_by"] is None
    assert friend.email not in json.dumps(data)  # a friend shows by their short label only
