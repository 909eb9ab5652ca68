"""The filters of the cohort and promise pages: the margins' dates and family, and the RFM
segment; and the two drill-downs' own parameters (a triangle cell, a month of promises), read
through forms so a hand-edited link gets a message, never a server error."""

from dataclasses import dataclass, field
from datetime import date

from django import forms
from django.contrib import messages
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from loyalty.models import Segment

from ..selectors.cohorts import HORIZON
from ..selectors.margins import Period
from .forms import MarginFilterForm, default_period


class CohortFilterForm(MarginFilterForm):
    segment = forms.ChoiceField(
        label=_("RFM segment (now)"),
        required=False,
        choices=[("", _("All segments")), *Segment.choices],
        widget=forms.Select(attrs={"class": "form-control no-widget-init"}),
    )


@dataclass
class Filters:
    period: Period
    family: str = ""
    segment: str = ""
    form: object = None
    errors: list = field(default_factory=list)

    def query(self):
        """The filters as query-string pairs, for links and downloads that keep them."""
        return {
            "start": self.period.start.isoformat(),
            "end": self.period.end.isoformat(),
            "family": self.family,
            "segment": self.segment,
        }


def read_cohort_filters(request):
    """Filters: those asked for, or the last 12 months, every family and segment, with the form's
    errors to show when they cannot be read."""
    default = default_period()
    if "start" not in request.GET and "end" not in request.GET:
        form = CohortFilterForm(initial={"start": default.start, "end": default.end, "family": "", "segment": ""})
        return Filters(default, form=form)
    form = CohortFilterForm(request.GET)
    if form.is_valid():
        data = form.cleaned_data
        return Filters(Period(data["start"], data["end"]), data["family"], data["segment"], form)
    errors = [str(error) for errors in form.errors.values() for error in errors]
    return Filters(default, form=form, errors=errors)


class MonthField(forms.RegexField):
    """A month as YYYY-MM, cleaned to its first day."""

    def __init__(self, **kwargs):
        super().__init__(regex=r"^\d{4}-\d{2}$", **kwargs)

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        year, month = (int(part) for part in text.split("-"))
        if not (1 <= month <= 12 and year >= 1900):
            raise forms.ValidationError(_("Enter a month as YYYY-MM."))
        return date(year, month, 1)


class CohortCellForm(forms.Form):
    cohort = MonthField(label=_("Cohort"), error_messages={"invalid": _("Enter a month as YYYY-MM.")})
    offset = forms.IntegerField(label=_("Months after the first order"), min_value=0, max_value=HORIZON)


class PromiseOrdersForm(forms.Form):
    month = MonthField(
        label=_("Month promised"), required=False, error_messages={"invalid": _("Enter a month as YYYY-MM.")}
    )
    which = forms.ChoiceField(
        label=_("Which orders"),
        required=False,
        choices=[("late", _("Late")), ("on_time", _("On time")), ("not_due", _("Not yet due")), ("all", _("All"))],
    )

    def clean_which(self):
        return self.cleaned_data.get("which") or "late"


def download_name(page, name, filters):
    """The CSV's file name. Names from the query string are slugified: no quote or line break
    reaches the header."""
    parts = [page, slugify(name)[:60] or "table", filters.period.start.isoformat(), filters.period.end.isoformat()]
    parts += [slugify(value)[:60] for value in (filters.family, filters.segment) if value]
    return "-".join(parts) + ".csv"


def warn(request, errors, instead=None):
    """Each error as a message, with what the page shows instead."""
    instead = instead or _("Showing the last 12 months instead.")
    for error in errors:
        messages.warning(request, f"{error} {instead}")
