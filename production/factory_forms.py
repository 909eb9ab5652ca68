"""The factory pages' forms: they parse what a planner typed; the services decide what is allowed."""

from django import forms
from django.forms import inlineformset_factory

from . import planning
from .factory_rules import WEEKDAYS
from .models import Break, Calendar, RoutingStep, Shift, WorkCenter
from .services.work_centers import MAX_CAPACITY

WEEKDAY_CHOICES = list(enumerate(WEEKDAYS))
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class ShiftForm(forms.ModelForm):
    weekday = forms.TypedChoiceField(choices=WEEKDAY_CHOICES, coerce=int)

    class Meta:
        model = Shift
        fields = ["weekday", "start", "end"]
        widgets = {"start": TIME, "end": TIME}


class BreakForm(forms.ModelForm):
    class Meta:
        model = Break
        fields = ["start", "end"]
        widgets = {"start": TIME, "end": TIME}


ShiftFormSet = inlineformset_factory(Calendar, Shift, form=ShiftForm, extra=2, can_delete=True)
BreakFormSet = inlineformset_factory(Calendar, Break, form=BreakForm, extra=1, can_delete=True)


def kept_rows(formset, fields):
    """The rows a valid formset keeps (filled in and not marked for deletion), as tuples."""
    return [
        tuple(form.cleaned_data[name] for name in fields)
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


class CalendarNameForm(forms.ModelForm):
    class Meta:
        model = Calendar
        fields = ["name"]


class HolidayForm(forms.Form):
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    name = forms.CharField(max_length=80, required=False)


class PlantMomentField(forms.DateTimeField):
    """A moment typed in the plant's time (a datetime-local input has no zone)."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def to_python(self, value):
        moment = super().to_python(value)
        if moment is not None:
            moment = moment.astimezone(planning.plant_zone()) if moment.tzinfo else moment
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=planning.plant_zone())
        return moment


class OvertimeForm(forms.Form):
    work_center = forms.ModelChoiceField(queryset=WorkCenter.objects.none())
    start = PlantMomentField()
    end = PlantMomentField()
    reason = forms.CharField(max_length=120, required=False)

    def __init__(self, *args, calendar, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["work_center"].queryset = calendar.work_centers.all()

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] <= data["start"]:
            self.add_error("end", "Overtime ends after it starts.")
        return data


class WorkCenterForm(forms.ModelForm):
    """A work center's own fields and the routing steps it may run (its alternatives)."""

    steps = forms.ModelMultipleChoiceField(
        queryset=RoutingStep.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Routing steps it may run",
    )

    class Meta:
        model = WorkCenter
        fields = ["name", "capacity", "rate_per_hour", "calendar"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["steps"].queryset = RoutingStep.objects.filter(routing__plant=self.instance.plant).select_related(
            "routing"
        )
        self.fields["steps"].label_from_instance = lambda step: f"{step.routing.name}: {step.name}"
        self.fields["capacity"].widget.attrs.update(min=1, max=MAX_CAPACITY)
        self.fields["rate_per_hour"].widget.attrs.update(min=0)
        if self.instance.pk and not self.is_bound:
            self.initial["steps"] = list(self.instance.routing_steps.values_list("pk", flat=True))

    def _post_clean(self):
        # The service saves and checks against the database under lock; the form only parses.
        pass
