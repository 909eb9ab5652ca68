"""The factory's outbound side: two-person delivery slots for large goods, and shipments with
the carrier's tracking events.

A slot's `booked` count is changed only by a conditional UPDATE (`booked < capacity`), so two
shoppers taking the last place at once cannot both have it; the check constraint holds the
same rule in the database. A slot is the order's due moment on the planner's board: its work
must be ready when the crew leaves (services/release.py).
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q


class DeliverySlot(models.Model):
    """A window on one day in which a two-person crew delivers large goods; `capacity` orders."""

    day = models.DateField()
    starts = models.TimeField()
    ends = models.TimeField()
    capacity = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    booked = models.PositiveSmallIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["day", "starts"]
        constraints = [
            models.UniqueConstraint(fields=["day", "starts"], name="production_slot_once"),
            models.CheckConstraint(condition=Q(booked__lte=F("capacity")), name="production_slot_not_overbooked"),
            models.CheckConstraint(condition=Q(ends__gt=F("starts")), name="production_slot_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.day:%a %d %b} {self.starts:%H:%M}–{self.ends:%H:%M}"

    @property
    def places_left(self):
        return max(0, self.capacity - self.booked)


class SlotBooking(models.Model):
    """One order's place in a slot, taken when the order is placed (before it exists, so keyed by
    its number: a double click books once). Released when the order is cancelled."""

    slot = models.ForeignKey(DeliverySlot, on_delete=models.PROTECT, related_name="bookings")
    order_number = models.CharField(max_length=128, unique=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["slot", "created"]

    def __str__(self):
        return f"order {self.order_number} in {self.slot}"


class TrackingStatus(models.TextChoices):
    """The generic carrier webhook's statuses (docs/operations.md), in the order a parcel goes."""

    INFO_RECEIVED = "info_received", "Label created"
    PICKED_UP = "picked_up", "Collected by the carrier"
    IN_TRANSIT = "in_transit", "On its way"
    OUT_FOR_DELIVERY = "out_for_delivery", "Out for delivery"
    FAILED_ATTEMPT = "failed_attempt", "Delivery attempted"
    EXCEPTION = "exception", "Delayed"
    DELIVERED = "delivered", "Delivered"
    RETURNED = "returned", "Returned to us"


class Shipment(models.Model):
    """A parcel (or a crew's van) an order leaves in; an order may have several. `status` is the
    latest by the carrier's event time, so events arriving out of order never move it back."""

    order = models.ForeignKey("order.Order", on_delete=models.CASCADE, related_name="shipments")
    carrier = models.CharField(max_length=60)
    tracking_number = models.CharField(max_length=80)
    status = models.CharField(max_length=20, choices=TrackingStatus.choices, default=TrackingStatus.INFO_RECEIVED)
    status_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["order", "created", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["carrier", "tracking_number"], name="production_tracking_number_once")
        ]

    def __str__(self):
        return f"{self.carrier} {self.tracking_number}"


class TrackingEvent(models.Model):
    """One carrier event, stored once by its id (a replayed webhook adds nothing)."""

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="events")
    event_id = models.CharField(max_length=100, unique=True)
    status = models.CharField(max_length=20, choices=TrackingStatus.choices)
    occurred_at = models.DateTimeField()
    description = models.CharField(max_length=200, blank=True)
    location = models.CharField(max_length=100, blank=True)
    received = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["occurred_at", "pk"]

    def __str__(self):
        return f"{self.shipment}: {self.status} at {self.occurred_at}"
