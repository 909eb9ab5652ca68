"""Two-person delivery slots: planners add them and set their capacity; checkout books a place.

A place is taken by one conditional UPDATE (`booked < capacity`), so the last place goes to
exactly one of two shoppers however their requests interleave, on PostgreSQL and on SQLite;
the table's check constraint refuses an overbooking any other writer might attempt.
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from oscar.core.loading import get_model

from ..delivery_models import DeliverySlot, SlotBooking


class SlotRefused(ValidationError):
    """A slot cannot be booked, changed or removed; the message says why, in the user's words."""


def book_slot(*, slot_id, order_number):
    """Take a place in slot `slot_id` for the order numbered `order_number`.

    Idempotent: a second call for the same order and slot (a double click on "Place order")
    returns the same booking; a call for another slot moves the order's place there. Raises
    SlotRefused when the slot is full or gone, and then leaves any earlier booking in place.
    """
    with transaction.atomic():
        existing = SlotBooking.objects.select_for_update().filter(order_number=order_number).first()
        if existing is not None and existing.slot_id == slot_id:
            return existing
        if not DeliverySlot.objects.filter(pk=slot_id, booked__lt=F("capacity")).update(booked=F("booked") + 1):
            raise SlotRefused("That delivery slot has just been taken. Please choose another.")
        if existing is not None:
            DeliverySlot.objects.filter(pk=existing.slot_id, booked__gt=0).update(booked=F("booked") - 1)
            existing.slot_id = slot_id
            existing.save(update_fields=["slot"])
            return existing
        try:
            with transaction.atomic():
                return SlotBooking.objects.create(slot_id=slot_id, order_number=order_number)
        except IntegrityError:
            # The same order was booked a moment ago by a request we did not see: give the place back.
            DeliverySlot.objects.filter(pk=slot_id, booked__gt=0).update(booked=F("booked") - 1)
            return SlotBooking.objects.get(order_number=order_number)


def release_slot(*, order_number):
    """Give back an order's place (it was cancelled, or its payment failed). Idempotent: a
    second call finds no booking and does nothing. Returns whether a place was freed."""
    with transaction.atomic():
        booking = SlotBooking.objects.select_for_update().filter(order_number=order_number).first()
        return _free(booking)


def release_orphan_booking(order_number):
    """Give back the place booked for an order that was never placed (the booking comes before the
    order exists, and placing it failed), unless the order exists by now. For the reconciler."""
    with transaction.atomic():
        booking = SlotBooking.objects.select_for_update().filter(order_number=order_number).first()
        if get_model("order", "Order").objects.filter(number=order_number).exists():
            return False
        return _free(booking)


def _free(booking):
    if booking is None:
        return False
    DeliverySlot.objects.filter(pk=booking.slot_id, booked__gt=0).update(booked=F("booked") - 1)
    booking.delete()
    return True


def add_slots(*, first_day, last_day, starts, ends, capacity, weekdays):
    """Slots from `first_day` to `last_day` on the given weekdays (0 = Monday), each from `starts`
    to `ends` for `capacity` orders. A day that already has a slot starting then is skipped.
    Returns the slots created."""
    if last_day < first_day:
        raise SlotRefused("The last day is before the first.")
    if ends <= starts:
        raise SlotRefused("A slot must end after it starts.")
    if (last_day - first_day).days > 366:
        raise SlotRefused("Add at most a year of slots at a time.")
    created, day = [], first_day
    with transaction.atomic():
        while day <= last_day:
            if day.weekday() in weekdays:
                slot, was_created = DeliverySlot.objects.get_or_create(
                    day=day, starts=starts, defaults={"ends": ends, "capacity": capacity}
                )
                if was_created:
                    created.append(slot)
            day += timedelta(days=1)
    return created


def set_capacity(*, slot_id, capacity):
    """Change a slot's capacity; never below the places already booked (checked in the UPDATE)."""
    if capacity < 1:
        raise SlotRefused("A slot takes at least one order; remove it instead.")
    if not DeliverySlot.objects.filter(pk=slot_id, booked__lte=capacity).update(capacity=capacity):
        slot = DeliverySlot.objects.filter(pk=slot_id).first()
        if slot is None:
            raise SlotRefused("That slot no longer exists.")
        raise SlotRefused(f"{slot} already has {slot.booked} orders booked; its capacity cannot go below that.")


def remove_slot(*, slot_id):
    """Remove a slot no order has booked (the delete is conditional, so a booking made meanwhile wins)."""
    deleted, _ = DeliverySlot.objects.filter(pk=slot_id, booked=0, bookings__isnull=True).delete()
    if not deleted:
        slot = DeliverySlot.objects.filter(pk=slot_id).first()
        if slot is None:
            raise SlotRefused("That slot no longer exists.")
        raise SlotRefused(f"{slot} has orders booked; move its capacity down to them instead of removing it.")
