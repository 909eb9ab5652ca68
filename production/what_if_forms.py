"""The what-if form: one change to try on a copy of the plan, checked like any planner input."""

from datetime import timedelta

from django import forms
from django.utils import timezone

from .models import RoutingTemplate, WorkCenter, WorkOrder

MAX_SPAN = timedelta(days=14)
MAX_QUANTITY = 500


class WhatIfForm(forms.Form):
    KINDS = [("overtime", "Add overtime"), ("downtime", "Add downtime"), ("rush", "Make an order rush"),
             ("new", "A new rush order")]  # fmt: skip
    kind = forms.ChoiceField(choices=KINDS)
    work_center = forms.ModelChoiceField(queryset=WorkCenter.objects.all(), required=False)
    start = forms.DateTimeField(required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    end = forms.DateTimeField(required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    work_order = forms.ModelChoiceField(
        queryset=WorkOrder.objects.filter(operations__status="planned").distinct(), required=False
    )
    family = forms.ModelChoiceField(queryset=RoutingTemplate.objects.all(), required=False, to_field_name="family_slug")
    quantity = forms.IntegerField(min_value=1, max_value=MAX_QUANTITY, required=False)
    revision = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind in ("overtime", "downtime"):
            start, end = data.get("start"), data.get("end")
            if data.get("work_center") is None:
                self.add_error("work_center", "Choose a work center.")
            if start is None or end is None:
                self.add_error("end", "Give the start and the end.")
            elif end <= start:
                self.add_error("end", "The end comes after the start.")
            elif end - start > MAX_SPAN:
                self.add_error("end", "At most 14 days at once.")
            elif end < timezone.now():
                self.add_error("end", "That span is over already.")
        elif kind == "rush" and data.get("work_order") is None:
            self.add_error("work_order", "Choose a work order that is still planned.")
        elif kind == "new":
            if data.get("family") is None:
                self.add_error("family", "Choose a product family.")
            if data.get("quantity") is None:
                self.add_error("quantity", f"Give a quantity from 1 to {MAX_QUANTITY}.")
        return data
