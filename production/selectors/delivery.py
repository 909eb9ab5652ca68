"""Reads of the outbound side: which basket needs a two-person slot and which slots it may take,
the slot that is an order's due moment, the planners' slot list and an order's shipments."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Exists, F, OuterRef, Prefetch
from django.utils import timezone
from oscar.core.loading import get_model

from .. import planning
from ..delivery_models import DeliverySlot, Shipment, SlotBooking, TrackingEvent
from .promises import ship_date_for_lines

# The product attribute (boolean, on a product class) that makes a product "large": it goes by
# a two-person crew in a delivery slot. The demo's fridge and sofa carry it.
LARGE_ATTRIBUTE = "two_person_delivery"
# How far ahead a shopper is shown slots.
SLOT_HORIZON_DAYS = 42


def is_large(product):
    """Whether a product travels by a two-person crew (its class's `two_person_delivery` is true)."""
    if product is None:
        return False
    value = (
        get_model("catalogue", "ProductAttributeValue")
        .objects.filter(product=product, attribute__code=LARGE_ATTRIBUTE)
        .values_list("value_boolean", flat=True)
        .first()
    )
    return bool(value)


def needs_delivery_slot(lines):
    """Whether basket or order lines hold a large product, so a delivery slot must be chosen."""
    return any(is_large(line.product) for line in lines)


def slots_for_lines(lines, *, today=None):
    """The slots the shopper of these lines may choose: with a place left, from the day their
    made-to-order goods are promised to be ready (tomorrow at the earliest), within the horizon."""
    today = today or timezone.localdate()
    first = max(today + timedelta(days=1), ship_date_for_lines(lines) or today)
    return DeliverySlot.objects.filter(
        day__gte=first, day__lte=today + timedelta(days=SLOT_HORIZON_DAYS), booked__lt=F("capacity")
    )


def slot_booked_for(order_number):
    """The delivery slot an order booked, or None."""
    booking = SlotBooking.objects.select_related("slot").filter(order_number=order_number).first()
    return booking.slot if booking else None


def slot_due_moment(order_number):
    """The moment an order's work is due on the plan when it has a slot: the slot's start, in the
    plant's zone (the crew loads it then). None for an order without one."""
    slot = slot_booked_for(order_number)
    if slot is None:
        return None
    return datetime.combine(slot.day, slot.starts, planning.plant_zone())


@dataclass(frozen=True)
class SlotDay:
    day: date
    slots: list


def slot_days(*, start, days):
    """The planners' list: each day from `start` with its slots and their bookings."""
    slots = DeliverySlot.objects.filter(day__gte=start, day__lt=start + timedelta(days=days)).prefetch_related(
        Prefetch("bookings", queryset=SlotBooking.objects.order_by("order_number"))
    )
    by_day = {}
    for slot in slots:
        by_day.setdefault(slot.day, []).append(slot)
    return [SlotDay(day, by_day[day]) for day in sorted(by_day)]


def shipments_of(order_id):
    """An order's shipments with their events, oldest first (the caller checked who may see them)."""
    return Shipment.objects.filter(order_id=order_id).prefetch_related(
        Prefetch("events", queryset=TrackingEvent.objects.order_by("occurred_at", "pk"))
    )


@dataclass(frozen=True)
class TrackingEntry:
    """One line of the shopper's "on its way" list."""

    at: datetime
    label: str
    carrier: str
    tracking_number: str


def tracking_entries(order_id):
    """The carriers' news for an order's timeline, oldest first: each shipment handed over, then
    each event in the carrier's time (not the order it reached us in)."""
    return tracking_for_orders([order_id]).get(order_id, [])


def tracking_for_orders(order_ids):
    """{order id: its `tracking_entries`} for several orders in two queries however many (an
    order without a shipment is absent; the caller checked who may see them)."""
    order_ids = list(order_ids)
    if not order_ids:
        return {}
    shipments = Shipment.objects.filter(order_id__in=order_ids).prefetch_related(
        Prefetch("events", queryset=TrackingEvent.objects.order_by("occurred_at", "pk"))
    )
    by_order = {}
    for shipment in shipments:
        entries = by_order.setdefault(shipment.order_id, [])
        entries.append(
            TrackingEntry(shipment.created, f"Handed to {shipment.carrier}", shipment.carrier, shipment.tracking_number)
        )
        for event in shipment.events.all():
            words = event.get_status_display()
            detail = " · ".join(part for part in (event.description, event.location) if part)
            entries.append(
                TrackingEntry(
                    event.occurred_at,
                    f"{words}: {detail}" if detail else words,
                    shipment.carrier,
                    shipment.tracking_number,
                )
            )
    return {order_id: sorted(entries, key=lambda entry: entry.at) for order_id, entries in by_order.items()}


def bookings_without_order(*, older_than=timedelta(hours=1), limit=200):
    """Order numbers of places booked over `older_than` ago for an order that does not exist: its
    placing failed after the booking (an order is placed seconds after its booking)."""
    placed = get_model("order", "Order").objects.filter(number=OuterRef("order_number"))
    stale = SlotBooking.objects.filter(created__lt=timezone.now() - older_than).filter(~Exists(placed))
    return list(stale.order_by("pk").values_list("order_number", flat=True)[:limit])
