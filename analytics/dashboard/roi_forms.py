"""The ROI page's filters: the period, a segment, and the reminders' attribution window."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from loyalty.models import Segment

from ..selectors.margins import Period
from ..selectors.roi import WINDOW_DAYS
from .forms import DATE, LONGEST, default_period

LONGEST_WINDOW = 90


class RoiFilterForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs=DATE))
    end = forms.DateField(label=_("To (included)"), widget=forms.DateInput(attrs=DATE))
    segment = forms.ChoiceField(
        label=_("RFM segment"),
        required=False,
        choices=[("", _("Every segment")), *Segment.choices],
        # A native select (Oscar's dashboard turns the others into select2).
        widget=forms.Select(attrs={"class": "form-control no-widget-init"}),
    )
    window = forms.IntegerField(
        label=_("Reminder window (days)"),
        min_value=1,
        max_value=LONGEST_WINDOW,
        required=False,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
        help_text=_("Orders placed this many days after a reminder (or its hold-out) count for it."),
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if start > end:
                raise ValidationError(_("The period ends before it starts."))
            if end - start > LONGEST:
                raise ValidationError(_("Choose at most three years."))
        return data


class RoiFilters:
    """What the page was asked for, read from the query string: the defaults (the last 12 months,
    every segment, a 7-day window) where nothing was asked, and the form's errors where it cannot
    be read."""

    def __init__(self, request):
        default = default_period()
        self.period, self.segment, self.window, self.errors = default, "", WINDOW_DAYS, []
        asked = any(name in request.GET for name in ("start", "end", "segment", "window"))
        if not asked:
            self.form = RoiFilterForm(initial={"start": default.start, "end": default.end, "window": WINDOW_DAYS})
            return
        self.form = RoiFilterForm(request.GET)
        if self.form.is_valid():
            data = self.form.cleaned_data
            self.period = Period(data["start"], data["end"])
            self.segment = data["segment"]
            self.window = data["window"] or WINDOW_DAYS
        else:
            self.errors = [
                f"{self.form.fields[name].label}: {error}" if name in self.form.fields else str(error)
                for name, errors in self.form.errors.items()
                for error in errors
            ]

    @property
    def query(self):
        return {
            "start": self.period.start.isoformat(),
            "end": self.period.end.isoformat(),
            "segment": self.segment,
            "window": self.window,
        }
