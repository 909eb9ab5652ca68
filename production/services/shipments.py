"""Shipments: staff record a carrier and tracking number for an order (one at a time on the order's
dashboard page, or many from a CSV), and carriers' tracking events move them on.

The order follows through Oscar's status pipeline (`atelier.orders.PIPELINE`): its first
shipment makes it "Shipped", and it is "Delivered" once every shipment is. Each change locks the
order row first, so two events for one order at the same moment move it once.
"""

import csv
import io
import logging
from dataclasses import dataclass, field

from django import forms
from django.db import IntegrityError, transaction
from oscar.core.loading import get_model

from atelier.orders import PIPELINE, PURCHASED, OrderStatus

from ..delivery_forms import ShipmentForm
from ..delivery_models import Shipment, TrackingEvent, TrackingStatus
from .audit import record_event

logger = logging.getLogger(__name__)

CSV_COLUMNS = ("order_number", "carrier", "tracking_number")
CSV_MAX_ROWS = 5000


class ShipmentRefused(forms.ValidationError):
    """A shipment cannot be recorded; the message says why."""


def advance_order(*, order_id, to):
    """Move an order on to `to` (SHIPPED or DELIVERED) by the shortest way Oscar's pipeline
    allows (`atelier.orders.PIPELINE`), never through a closed status: a paid order goes by "In
    production", a parcel delivered before it was marked shipped goes by "Shipped". Locks the
    order row; an order already there or past it, closed, or unpaid is left as it is. Returns
    the statuses set, in order."""
    Order = get_model("order", "Order")
    order = Order.objects.select_for_update().get(pk=order_id)
    way = _way(OrderStatus(order.status), to) if order.status in PURCHASED else None
    for status in way or ():
        order.set_status(status)
    return list(way or ())


def _way(start, goal):
    paths = [[start]]
    while paths:
        path = paths.pop(0)
        if path[-1] == goal:
            return path[1:]
        paths.extend([*path, step] for step in PIPELINE[path[-1]] if step in PURCHASED and step not in path)
    return None


def record_shipment(*, order, carrier, tracking_number, user=None):
    """Record that `order` left with `carrier` under `tracking_number`, and mark it shipped.

    Idempotent: the same carrier and number again for the same order returns the shipment
    recorded (created False). Raises ShipmentRefused for an order not paid (or cancelled or
    refunded) and for a number that belongs to another order. Returns (shipment, created).
    """
    with transaction.atomic():
        existing = Shipment.objects.filter(carrier__iexact=carrier, tracking_number=tracking_number).first()
        if existing is not None:
            if existing.order_id != order.pk:
                raise ShipmentRefused(
                    f"{carrier} {tracking_number} is already recorded for another order ({existing.order.number})."
                )
            return existing, False
        if order.status not in PURCHASED:
            raise ShipmentRefused(f"Order {order.number} is {order.status}; only a paid order ships.")
        try:
            with transaction.atomic():
                shipment = Shipment.objects.create(
                    order=order, carrier=carrier, tracking_number=tracking_number, created_by=user
                )
        except IntegrityError:
            return record_shipment(order=order, carrier=carrier, tracking_number=tracking_number, user=user)
        advance_order(order_id=order.pk, to=OrderStatus.SHIPPED)
        record_event(
            kind="shipped",
            description=f"{carrier} {tracking_number} recorded for order {order.number}",
            user=user,
            order_id=order.pk,
        )
    return shipment, True


@dataclass
class ImportResult:
    created: int = 0
    already: int = 0
    errors: list = field(default_factory=list)  # (line number, message)


def import_shipments_csv(*, data, user=None):
    """Record the shipments of a CSV (header `order_number,carrier,tracking_number`), row by row.

    Each row in its own transaction: a bad row is reported with its line number (the header is
    line 1) and the others are imported; a row already imported is counted, not repeated, so
    the same file imported twice records nothing new.
    """
    Order = get_model("order", "Order")
    result = ImportResult()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        result.errors.append((1, "The file is not UTF-8 text; save it from the spreadsheet as CSV (UTF-8)."))
        return result
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip().lower() for name in (reader.fieldnames or [])]
    if not set(CSV_COLUMNS) <= set(header):
        result.errors.append((1, f"The first line must name the columns {', '.join(CSV_COLUMNS)}."))
        return result
    reader.fieldnames = header
    for row in reader:
        line = reader.line_num
        if line > CSV_MAX_ROWS + 1:
            result.errors.append((line, f"Only {CSV_MAX_ROWS} rows are read at a time; split the file."))
            break
        if not any((value or "").strip() for value in row.values() if isinstance(value, str)):
            continue  # a blank line
        number = (row.get("order_number") or "").strip()
        form = ShipmentForm({"carrier": row.get("carrier") or "", "tracking_number": row.get("tracking_number") or ""})
        if not form.is_valid():
            problems = "; ".join(f"{name.replace('_', ' ')}: {' '.join(errs)}" for name, errs in form.errors.items())
            result.errors.append((line, problems))
            continue
        order = Order.objects.filter(number=number).first() if number else None
        if order is None:
            result.errors.append((line, f"No order numbered “{number}”." if number else "The order number is empty."))
            continue
        try:
            _shipment, created = record_shipment(order=order, user=user, **form.cleaned_data)
        except ShipmentRefused as refused:
            result.errors.append((line, " ".join(refused.messages)))
            continue
        if created:
            result.created += 1
        else:
            result.already += 1
    return result


class UnknownShipment(LookupError):
    """A tracking event for a carrier and number no shipment has."""


def receive_tracking_event(*, event):
    """Store a carrier's event (`delivery_forms.TrackingEventForm`'s cleaned data) and move its shipment and order on.

    Idempotent by the event's id: a replay stores nothing and returns (event, False). Events
    arriving out of order keep the shipment's status at the latest by the carrier's time. The
    order is marked delivered when every one of its shipments is. Raises UnknownShipment.
    """
    with transaction.atomic():
        shipment = (
            Shipment.objects.select_for_update()
            .filter(carrier__iexact=event["carrier"], tracking_number=event["tracking_number"])
            .first()
        )
        if shipment is None:
            raise UnknownShipment(f"No shipment {event['carrier']} {event['tracking_number']}")
        try:
            with transaction.atomic():
                stored = TrackingEvent.objects.create(
                    shipment=shipment,
                    event_id=event["id"],
                    status=event["status"],
                    occurred_at=event["occurred_at"],
                    description=event.get("description") or "",
                    location=event.get("location") or "",
                )
        except IntegrityError:
            return TrackingEvent.objects.get(event_id=event["id"]), False
        if shipment.status_at is None or stored.occurred_at >= shipment.status_at:
            shipment.status, shipment.status_at = stored.status, stored.occurred_at
            shipment.save(update_fields=["status", "status_at"])
        siblings = Shipment.objects.filter(order_id=shipment.order_id)
        if not siblings.exclude(status=TrackingStatus.DELIVERED).exists():
            advance_order(order_id=shipment.order_id, to=OrderStatus.DELIVERED)
    return stored, True
