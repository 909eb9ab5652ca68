"""Your data: a complete export of one's own data, and a deletion request one can still cancel."""

import json
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from oscar.core.loading import get_model

from configurator import services as configurator_services
from portal.hub import services
from portal.hub.models import DeletionRequest
from portal.hub.tasks import erase_due_accounts

pytestmark = pytest.mark.django_db

Order = get_model("order", "Order")
User = get_user_model()
Notification = get_model("communication", "Notification")


def export(client):
    response = client.get("/accounts/data/export.json")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    return json.loads(response.content)


def test_the_export_holds_the_customers_own_data_and_nobody_elses(login):
    ada = User.objects.get(email="ada@example.com")
    configurator_services.save_design(family_slug="atelier-fridge", values={"hinge": "left"}, owner=ada, name="Mine")

    data = export(login("ada@example.com"))

    assert data["profile"]["email"] == "ada@example.com"
    assert {order["number"] for order in data["orders"]} == set(
        Order.objects.filter(user__email="ada@example.com").values_list("number", flat=True)
    )
    fridge = next(order for order in data["orders"] if order["number"] == "DEMO-1002")
    assert fridge["lines"][0]["configuration"]  # the choices, in words
    assert "Mine" in [design["name"] for design in data["designs"]]
    assert "Band tote" not in [design["name"] for design in data["designs"]]  # Ben's
    assert data["points"]["tier"] and data["points"]["ledger"]  # Ada's points history, line by line
    assert "ben@example.com" not in json.dumps(data)


def test_the_export_needs_a_login(client):
    assert client.get("/accounts/data/export.json").status_code == 302


def test_a_wrong_password_records_no_request(login):
    client = login("ben@example.com")

    response = client.post("/accounts/profile/delete/", {"password": "guess", "understood": "on"})

    assert response.status_code == 422
    assert "That is not your password." in response.content.decode()
    assert not DeletionRequest.objects.exists()


def test_the_request_must_be_confirmed(login):
    response = login("ben@example.com").post("/accounts/profile/delete/", {"password": "atelier-shopper"})

    assert response.status_code == 422 and not DeletionRequest.objects.exists()


def test_a_request_is_recorded_told_and_can_be_cancelled(login):
    client = login("ben@example.com")

    response = client.post("/accounts/profile/delete/", {"password": "atelier-shopper", "understood": "on"})

    assert response.status_code == 302
    request = DeletionRequest.objects.get(user__email="ben@example.com")
    assert request.erase_after - request.requested_at == timedelta(days=14)
    assert "due to be deleted" in client.get("/accounts/").content.decode()
    assert User.objects.get(email="ben@example.com").notifications.filter(subject__contains="deleted").exists()

    client.post("/accounts/data/cancel-deletion/")

    request.refresh_from_db()
    assert request.cancelled_at is not None
    erase_due_accounts.apply()
    assert User.objects.filter(email="ben@example.com").exists()


def test_asking_twice_keeps_the_first_date(login):
    ben = User.objects.get(email="ben@example.com")
    first = services.request_deletion(user=ben)

    second = services.request_deletion(user=ben)

    assert second.pk == first.pk and second.erase_after == first.erase_after
    assert Notification.objects.filter(recipient=ben, subject="Your account is due to be deleted").count() == 1


def test_erasure_waits_for_the_grace_period_then_keeps_orders_without_the_person():
    ben = User.objects.get(email="ben@example.com")
    configurator_services.save_design(family_slug="atelier-fridge", values={}, owner=ben, name="Ben's")
    request = services.request_deletion(user=ben)

    assert erase_due_accounts.apply().get() == 0  # not yet
    DeletionRequest.objects.filter(pk=request.pk).update(erase_after=timezone.now() - timedelta(minutes=1))
    assert erase_due_accounts.apply().get() == 1

    assert not User.objects.filter(email="ben@example.com").exists()
    order = Order.objects.get(number="DEMO-1005")
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


def test_staff_see_deletion_requests_in_the_admin(login):
    services.request_deletion(user=User.objects.get(email="ben@example.com"))

    response = login("admin@atelier.example").get("/django-admin/hub/deletionrequest/")

    assert response.status_code == 200
    assert "ben@example.com" in response.content.decode()
