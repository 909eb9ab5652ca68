"""The carriers' tracking webhook: signed with HMAC-SHA256 over the timestamp and body, replays and
stale signatures refused, each event stored once, out-of-order events keep the latest status,
unknown shipments refused and logged, and the events on the owner's order timeline."""

import json
import logging
import time

import pytest

from atelier.orders import OrderStatus
from production import carrier_signature
from production.models import Shipment, TrackingEvent
from production.services import shipments
from tests.factories import CustomerFactory, OrderFactory

pytestmark = pytest.mark.django_db
SECRET = "carrier-test-secret"
URL = "/carriers/tracking/"


@pytest.fixture(autouse=True)
def _secret(settings):
    settings.CARRIER_WEBHOOK_SECRET = SECRET


@pytest.fixture
def parcel():
    order = OrderFactory(status=OrderStatus.IN_PRODUCTION)
    shipment, _ = shipments.record_shipment(order=order, carrier="DPD", tracking_number="15501234")
    return shipment


def event(event_id="evt-1", status="in_transit", at="2026-12-07T10:00:00Z", **fields):
    return {
        "id": event_id,
        "carrier": "DPD",
        "tracking_number": "15501234",
        "status": status,
        "occurred_at": at,
        "description": "At the Leeds depot",
        "location": "Leeds",
        **fields,
    }


def post(client, payload, *, secret=SECRET, timestamp=None, body=None, header=None):
    body = body if body is not None else json.dumps(payload).encode()
    timestamp = int(time.time()) if timestamp is None else timestamp
    signature = carrier_signature.sign(body=body, secret=secret, timestamp=timestamp) if header is None else header
    headers = {carrier_signature.HEADER: signature} if signature else {}
    return client.post(URL, body, content_type="application/json", headers=headers)


def test_a_signed_event_is_stored_and_moves_the_shipment_on(client, parcel):
    response = post(client, event())
    assert response.status_code == 201
    assert response.json() == {"id": "evt-1", "stored": True, "shipment_status": "in_transit"}
    parcel.refresh_from_db()
    assert parcel.status == "in_transit"
    stored = TrackingEvent.objects.get()
    assert (stored.description, stored.location) == ("At the Leeds depot", "Leeds")


def test_a_replayed_event_id_stores_nothing(client, parcel):
    post(client, event())
    response = post(client, event(status="delivered", at="2026-12-07T15:00:00Z"))
    assert response.status_code == 200
    assert response.json()["stored"] is False
    assert TrackingEvent.objects.count() == 1
    parcel.refresh_from_db()
    assert parcel.status == "in_transit"


@pytest.mark.parametrize(
    ("how", "status"),
    [("wrong secret", 403), ("body changed", 403), ("six minutes old", 403), ("from the future", 403), ("none", 400),
     ("garbled", 403)],
)  # fmt: skip
def test_a_bad_signature_is_refused_and_nothing_is_stored(client, parcel, how, status):
    body = json.dumps(event()).encode()
    now = int(time.time())
    kwargs = {
        "wrong secret": {"secret": "guess"},
        "body changed": {
            "header": carrier_signature.sign(body=body.replace(b"Leeds", b"Paris"), secret=SECRET, timestamp=now)
        },
        "six minutes old": {"timestamp": now - 360},
        "from the future": {"timestamp": now + 360},
        "none": {"header": ""},
        "garbled": {"header": "t=abc,v1=zz"},
    }[how]
    response = post(client, None, body=body, **kwargs)
    assert response.status_code == status
    assert not TrackingEvent.objects.exists()
    parcel.refresh_from_db()
    assert parcel.status == "info_received"


def test_an_event_for_an_unknown_shipment_is_refused_and_logged(client, parcel, caplog):
    with caplog.at_level(logging.WARNING, logger="production.delivery_views"):
        response = post(client, event(tracking_number="NOPE999"))
    assert response.status_code == 404
    assert response.json() == {"error": "unknown shipment: No shipment DPD NOPE999"}
    assert "event evt-1 for an unknown shipment" in caplog.text
    assert not TrackingEvent.objects.exists()


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (b"{not json", "the body is not JSON"),
        (b"[1, 2]", "the body must be one JSON object (an event)"),
        (json.dumps(event(status="teleported")).encode(), "the event is not in the expected format"),
        (json.dumps(event(at="yesterday")).encode(), "the event is not in the expected format"),
        (json.dumps(event(at="2026-12-07T10:00:00")).encode(), "the event is not in the expected format"),
        (
            json.dumps({k: v for k, v in event().items() if k != "id"}).encode(),
            "the event is not in the expected format",
        ),
    ],
)
def test_a_malformed_event_is_refused_and_nothing_is_stored(client, parcel, body, error):
    response = post(client, None, body=body)
    assert response.status_code == 400
    assert response.json()["error"] == error
    assert not TrackingEvent.objects.exists()


def test_out_of_order_events_keep_the_latest_status_and_the_order_is_delivered(client, parcel):
    assert post(client, event("e-3", "delivered", "2026-12-07T15:00:00Z")).status_code == 201
    assert post(client, event("e-1", "picked_up", "2026-12-06T09:00:00Z")).status_code == 201
    assert post(client, event("e-2", "out_for_delivery", "2026-12-07T08:00:00Z")).status_code == 201
    parcel.refresh_from_db()
    assert parcel.status == "delivered"
    order = parcel.order
    order.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED
    assert list(order.status_changes.values_list("new_status", flat=True).order_by("pk"))[-2:] == [
        OrderStatus.SHIPPED,
        OrderStatus.DELIVERED,
    ]


def test_an_order_of_two_parcels_is_delivered_with_the_second(client, parcel):
    shipments.record_shipment(order=parcel.order, carrier="DPD", tracking_number="15509999")
    post(client, event("e-1", "delivered"))
    parcel.order.refresh_from_db()
    assert parcel.order.status == OrderStatus.SHIPPED
    post(client, event("e-2", "delivered", tracking_number="15509999"))
    parcel.order.refresh_from_db()
    assert parcel.order.status == OrderStatus.DELIVERED


def test_the_webhook_is_off_without_a_secret(client, parcel, settings):
    settings.CARRIER_WEBHOOK_SECRET = ""
    assert post(client, event(), secret="").status_code == 404
    assert client.get(URL).status_code == 404


def test_the_owner_sees_the_tracking_on_the_order_timeline_and_another_customer_gets_404(client, parcel):
    post(client, event("e-1", "out_for_delivery", "2026-12-07T08:00:00Z", description="With the driver"))
    owner = parcel.order.user
    client.force_login(owner)
    page = client.get(f"/accounts/orders/{parcel.order.number}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Handed to DPD" in text
    assert "Out for delivery: With the driver · Leeds" in text
    assert "(DPD 15501234)" in text

    client.force_login(CustomerFactory())
    assert client.get(f"/accounts/orders/{parcel.order.number}/").status_code == 404


def test_a_shipment_survives_and_nothing_is_stored_when_the_secret_differs(client, parcel):
    assert post(client, event(), secret=SECRET + "x").status_code == 403
    assert Shipment.objects.get().events.count() == 0
