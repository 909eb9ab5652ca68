"""Shipments: planners record a carrier and tracking number on the order's dashboard page or from a
CSV (bad rows reported by line, the others imported, a second import changes nothing), and the
order is marked shipped through Oscar's pipeline."""

import pytest
from django.contrib.auth.models import Permission

from atelier.orders import OrderStatus
from production.models import ProductionEvent, Shipment
from production.services import shipments
from tests.factories import OrderFactory, StaffFactory

pytestmark = pytest.mark.django_db


def statuses(order):
    return list(order.status_changes.order_by("date_created", "pk").values_list("new_status", flat=True))


def test_the_first_shipment_marks_a_paid_order_shipped_through_the_pipeline():
    order = OrderFactory(status=OrderStatus.PAID)
    shipment, created = shipments.record_shipment(order=order, carrier="DPD", tracking_number="15501234")
    order.refresh_from_db()
    assert created and (shipment.carrier, shipment.tracking_number) == ("DPD", "15501234")
    assert order.status == OrderStatus.SHIPPED
    assert statuses(order)[-2:] == [OrderStatus.IN_PRODUCTION, OrderStatus.SHIPPED]


def test_the_same_number_again_is_not_recorded_twice():
    order = OrderFactory(status=OrderStatus.IN_PRODUCTION)
    shipments.record_shipment(order=order, carrier="DPD", tracking_number="15501234")
    _shipment, created = shipments.record_shipment(order=order, carrier="dpd", tracking_number="15501234")
    assert not created
    assert Shipment.objects.filter(order=order).count() == 1


def test_a_number_of_another_order_is_refused():
    first, second = OrderFactory(status=OrderStatus.PAID), OrderFactory(status=OrderStatus.PAID)
    shipments.record_shipment(order=first, carrier="DPD", tracking_number="15501234")
    with pytest.raises(shipments.ShipmentRefused, match=f"already recorded for another order \\({first.number}\\)"):
        shipments.record_shipment(order=second, carrier="DPD", tracking_number="15501234")
    second.refresh_from_db()
    assert second.status == OrderStatus.PAID


@pytest.mark.parametrize("status", [OrderStatus.PENDING_PAYMENT, OrderStatus.CANCELLED])
def test_an_unpaid_or_cancelled_order_does_not_ship(status):
    order = OrderFactory(status=status)
    with pytest.raises(shipments.ShipmentRefused, match=f"is {status}; only a paid order ships"):
        shipments.record_shipment(order=order, carrier="DPD", tracking_number="15501234")
    assert not Shipment.objects.exists()


# --- the order's dashboard page ----------------------------------------------------------------


def test_a_planner_records_a_shipment_on_the_orders_page(planner_client):
    order = OrderFactory(status=OrderStatus.PAID)
    page = planner_client.get(f"/dashboard/orders/{order.number}/")
    assert page.status_code == 200
    assert 'id="shipment-form"' in page.content.decode()

    response = planner_client.post(
        f"/dashboard/production/orders/{order.number}/shipments/",
        {"carrier": "Royal Mail", "tracking_number": "ab 1234 5678 gb"},
        follow=True,
    )
    assert "Royal Mail AB12345678GB recorded; order" in response.content.decode()
    assert "Royal Mail <code>AB12345678GB</code>" in response.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.SHIPPED
    assert ProductionEvent.objects.filter(kind="shipped", order_id=order.pk).count() == 1


def test_a_tracking_number_with_symbols_is_refused_on_the_page(planner_client):
    order = OrderFactory(status=OrderStatus.PAID)
    response = planner_client.post(
        f"/dashboard/production/orders/{order.number}/shipments/",
        {"carrier": "DPD", "tracking_number": "<script>"},
        follow=True,
    )
    assert "A tracking number has only letters and digits." in response.content.decode()
    assert not Shipment.objects.exists()


def test_staff_without_the_planner_role_may_not_record_one(client):
    clerk = StaffFactory()
    clerk.user_permissions.add(Permission.objects.get(codename="view_order"))
    client.force_login(clerk)
    order = OrderFactory(status=OrderStatus.PAID)
    response = client.post(
        f"/dashboard/production/orders/{order.number}/shipments/", {"carrier": "DPD", "tracking_number": "1"}
    )
    assert response.status_code == 403
    assert not Shipment.objects.exists()


def test_an_unknown_order_is_404(planner_client):
    response = planner_client.post(
        "/dashboard/production/orders/NO-SUCH/shipments/", {"carrier": "DPD", "tracking_number": "1"}
    )
    assert response.status_code == 404


# --- CSV import -----------------------------------------------------------------------------------


def csv_of(*rows):
    return ("order_number,carrier,tracking_number\r\n" + "".join(f"{row}\r\n" for row in rows)).encode()


def test_a_csv_imports_the_good_rows_and_reports_each_bad_one_by_line():
    good, other, unpaid = (
        OrderFactory(status=OrderStatus.PAID),
        OrderFactory(status=OrderStatus.IN_PRODUCTION),
        OrderFactory(status=OrderStatus.PENDING_PAYMENT),
    )
    data = csv_of(
        f"{good.number},DPD,1550001",
        "NO-SUCH,DPD,1550002",
        f"{other.number},,1550003",
        "",
        f"{unpaid.number},DPD,1550004",
        f"{other.number},Royal Mail,RM 55 GB",
        f"{other.number},DPD,15/50",
    )
    result = shipments.import_shipments_csv(data=data)
    assert (result.created, result.already) == (2, 0)
    assert result.errors == [
        (3, "No order numbered “NO-SUCH”."),
        (4, "carrier: This field is required."),
        (6, f"Order {unpaid.number} is Pending payment; only a paid order ships."),
        (8, "tracking number: A tracking number has only letters and digits."),
    ]
    assert sorted(Shipment.objects.values_list("tracking_number", flat=True)) == ["1550001", "RM55GB"]

    again = shipments.import_shipments_csv(data=data)
    assert (again.created, again.already, len(again.errors)) == (0, 2, 4)
    assert Shipment.objects.count() == 2


def test_a_csv_without_the_columns_or_not_in_utf8_is_refused_whole():
    assert shipments.import_shipments_csv(data=b"number;carrier\n1;DPD\n").errors == [
        (1, "The first line must name the columns order_number, carrier, tracking_number.")
    ]
    assert (
        shipments.import_shipments_csv(data="order_number,carrier,tracking_number\n1,Dé,1\n".encode("latin-1"))
        .errors[0][1]
        .startswith("The file is not UTF-8 text")
    )
    assert not Shipment.objects.exists()


def test_the_import_page_lists_what_was_refused(planner_client):
    order = OrderFactory(status=OrderStatus.PAID)
    upload = pytest.importorskip("django.core.files.uploadedfile").SimpleUploadedFile(
        "parcels.csv", csv_of(f"{order.number},DPD,1550001", "NO-SUCH,DPD,1"), content_type="text/csv"
    )
    response = planner_client.post("/dashboard/production/shipments/import/", {"file": upload})
    page = response.content.decode()
    assert response.status_code == 200
    assert "1 shipments recorded, 0 already recorded, 1 row refused." in page
    assert "<td>3</td><td>No order numbered “NO-SUCH”.</td>" in page
