from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..selectors.margins import NOT_COSTED, STOCKED, Period, family_names

LONGEST = timedelta(days=3 * 366)  # a page over more than three years of raw orders is the roll-ups' job


def default_period():
    today = timezone.localdate()
    return Period(today - timedelta(days=364), today)


DATE = {"type": "date", "class": "form-control"}


class MarginFilterForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs=DATE))
    end = forms.DateField(label=_("To (included)"), widget=forms.DateInput(attrs=DATE))
    family = forms.ChoiceField(
        label=_("Product family"),
        required=False,
        # A native select (Oscar's dashboard turns the others into select2).
        widget=forms.Select(attrs={"class": "form-control no-widget-init"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        families = sorted(family_names().items(), key=lambda item: item[1])
        self.fields["family"].choices = [
            ("", _("All families")),
            *families,
            (STOCKED, _("Stocked goods")),
            (NOT_COSTED, _("Not costed yet")),
        ]

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if start > end:
                raise ValidationError(_("The period ends before it starts."))
            if end - start > LONGEST:
                raise ValidationError(_("Choose at most three years."))
        return data


def read_filters(request):
    """(period, family, form, errors): the filters asked for, or the last 12 and all families with
    the form's errors to show when they cannot be read."""
    default = default_period()
    if "start" not in request.GET and "end" not in request.GET:
        form = MarginFilterForm(initial={"start": default.start, "end": default.end, "family": ""})
        return default, "", form, []
    form = MarginFilterForm(request.GET)
    if form.is_valid():
        data = form.cleaned_data
        return Period(data["start"], data["end"]), data["family"], form, []
    errors = [str(error) for errors in form.errors.values() for error in errors]
    return default, "", form, errors
