"""Forms of the outbound side: a shipment as staff type it (or a CSV row gives it), a carrier's
tracking event, the planners' slots, and the slot a shopper picks at checkout."""

from datetime import time

from django import forms
from django.utils.dateparse import parse_datetime

from .delivery_models import TrackingStatus


class ShipmentForm(forms.Form):
    """A carrier and tracking number, as staff type them or a CSV row gives them."""

    carrier = forms.CharField(max_length=60, strip=True)
    tracking_number = forms.CharField(max_length=80, strip=True)

    def clean_tracking_number(self):
        number = self.cleaned_data["tracking_number"].replace(" ", "").upper()
        if not number.isalnum():
            raise forms.ValidationError("A tracking number has only letters and digits.")
        return number


class TrackingEventForm(forms.Form):
    """One event in the generic carrier format (docs/operations.md)."""

    id = forms.CharField(max_length=100)
    carrier = forms.CharField(max_length=60)
    tracking_number = forms.CharField(max_length=80)
    status = forms.ChoiceField(choices=TrackingStatus.choices)
    occurred_at = forms.DateTimeField(input_formats=["iso-8601"])
    description = forms.CharField(max_length=200, required=False)
    location = forms.CharField(max_length=100, required=False)

    def clean_tracking_number(self):
        return self.cleaned_data["tracking_number"].replace(" ", "").upper()

    def clean_occurred_at(self):
        # The field makes a time without an offset local; a carrier's clock is not ours, so refuse it.
        moment = self.cleaned_data["occurred_at"]
        given = parse_datetime(str(self.data.get("occurred_at", "")).replace("Z", "+00:00"))
        if given is None or given.tzinfo is None:
            raise forms.ValidationError("Give the time with its offset (ISO 8601, e.g. 2026-12-07T10:00:00Z).")
        return moment


WEEKDAYS = [(0, "Mon"), (1, "Tue"), (2, "Wed"), (3, "Thu"), (4, "Fri"), (5, "Sat"), (6, "Sun")]


class SlotsForm(forms.Form):
    """Planners add slots: a window on each chosen weekday between two dates."""

    first_day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    last_day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    starts = forms.TimeField(initial=time(8, 0), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    ends = forms.TimeField(initial=time(12, 0), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    capacity = forms.IntegerField(min_value=1, max_value=50, initial=4, help_text="Orders one crew delivers.")
    weekdays = forms.TypedMultipleChoiceField(
        choices=WEEKDAYS, coerce=int, initial=[0, 1, 2, 3, 4], widget=forms.CheckboxSelectMultiple
    )

    def clean(self):
        data = super().clean()
        first, last = data.get("first_day"), data.get("last_day")
        if first and last and last < first:
            self.add_error("last_day", "The last day is before the first.")
        if data.get("starts") and data.get("ends") and data["ends"] <= data["starts"]:
            self.add_error("ends", "A slot must end after it starts.")
        return data


class CapacityForm(forms.Form):
    capacity = forms.IntegerField(min_value=1, max_value=50)


class DeliverySlotChoiceForm(forms.Form):
    """The slot a shopper picks at checkout, among `slots` (those offered for the basket, earliest
    first, the earliest shown chosen); any other id, posted by hand or taken meanwhile, is refused
    with a message. A submission without one takes the earliest (what the page preselects)."""

    delivery_slot = forms.TypedChoiceField(coerce=int, empty_value=None, required=False, label="Delivery slot")

    def __init__(self, *args, slots, **kwargs):
        super().__init__(*args, **kwargs)
        self.slots = list(slots)
        self.fields["delivery_slot"].choices = [(slot.pk, f"{slot} ({slot.places_left} left)") for slot in self.slots]
        self.fields["delivery_slot"].error_messages["invalid_choice"] = (
            "That delivery slot is not one we offer for this order (it may have just filled up). Please choose another."
        )

    def chosen(self):
        """The slot id chosen (the earliest offered when none was posted); None when none is left."""
        return self.cleaned_data.get("delivery_slot") or (self.slots[0].pk if self.slots else None)
