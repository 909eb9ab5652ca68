"""The factory pages' forms: they parse what a planner typed; the services decide what is allowed."""

from django import forms
from django.forms import inlineformset_factory

from . import planning
from .factory_rules import WEEKDAYS
from .models import Break, Calendar, Plant, RoutingStep, RoutingTemplate, Shift, WorkCenter
from .services.work_centers import MAX_CAPACITY

# A blank first choice: a blank row of the formset then posts no day, is unchanged, and is skipped
# (with Monday preselected, every blank row was a half-filled shift and the save was refused).
WEEKDAY_CHOICES = [("", "—"), *enumerate(WEEKDAYS)]
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class ParsedOnly:
    """A model form that only parses: the service checks uniqueness and the rest against the
    database under lock, and refuses with the reason."""

    def _post_clean(self):
        pass


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


class NewCalendarShiftFormSet(ShiftFormSet):
    """A new calendar's week: a row for each day to start with (a row left blank is skipped)."""

    extra = 7


def kept_rows(formset, fields):
    """The rows a valid formset keeps (filled in and not marked for deletion), as tuples."""
    return [
        tuple(form.cleaned_data[name] for name in fields)
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


class CalendarNameForm(ParsedOnly, forms.ModelForm):
    class Meta:
        model = Calendar
        fields = ["name"]


class PlantForm(ParsedOnly, forms.ModelForm):
    class Meta:
        model = Plant
        fields = ["code", "name"]
        help_texts = {"code": "letters, digits, hyphens; unique"}


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


class WorkCenterForm(ParsedOnly, forms.ModelForm):
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
        steps = RoutingStep.objects.select_related("routing__plant")
        self.fields["steps"].label_from_instance = lambda step: f"{step.routing.name}: {step.name}"
        if self.instance.plant_id is None:
            # A new center's plant is chosen in the same form: every plant's steps, each named by
            # its plant; the service refuses a step of another plant than the one chosen.
            self.fields["steps"].label_from_instance = lambda step: (
                f"{step.routing.plant}, {step.routing.name}: {step.name}"
            )
        else:
            steps = steps.filter(routing__plant=self.instance.plant_id)
        self.fields["steps"].queryset = steps
        self.fields["capacity"].widget.attrs.update(min=1, max=MAX_CAPACITY)
        self.fields["rate_per_hour"].widget.attrs.update(min=0)
        if self.instance.pk and not self.is_bound:
            self.initial["steps"] = list(self.instance.routing_steps.values_list("pk", flat=True))


class NewWorkCenterForm(WorkCenterForm):
    """A work center to add: its plant and code, then the same fields as a center's page."""

    class Meta(WorkCenterForm.Meta):
        fields = ["plant", "code", *WorkCenterForm.Meta.fields]
        help_texts = {"code": "letters, digits, hyphens; unique"}


class StepForm(forms.Form):
    """One routing step; its rules are rows of the rule formset naming the step by code."""

    code = forms.SlugField(max_length=50)
    name = forms.CharField(max_length=80)
    sequence = forms.IntegerField(min_value=0, max_value=32767)
    minutes = forms.IntegerField(min_value=0, max_value=100000)
    setup = forms.IntegerField(min_value=0, max_value=100000, initial=0)
    per_piece = forms.IntegerField(min_value=0, max_value=100000, initial=0, label="Minutes per piece")
    work_centers = forms.ModelMultipleChoiceField(
        queryset=WorkCenter.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    after = forms.CharField(
        required=False, max_length=400, help_text="codes of the steps it waits for, comma-separated"
    )

    def __init__(self, *args, centers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["work_centers"].queryset = centers

    def clean_after(self):
        return [code.strip() for code in self.cleaned_data["after"].split(",") if code.strip()]


class RuleForm(forms.Form):
    """A rule: when `option` equals a value, add setup and minutes; or, with no value, add
    `per_unit` minutes per unit of the option's number."""

    step = forms.SlugField(max_length=50, help_text="the step's code")
    option = forms.SlugField(max_length=40)
    equals = forms.CharField(max_length=80, required=False, help_text="blank: per unit")
    setup = forms.IntegerField(min_value=0, max_value=100000, required=False)
    minutes = forms.IntegerField(min_value=-100000, max_value=100000, required=False)
    per_unit = forms.IntegerField(min_value=0, max_value=100000, required=False)

    def rule(self):
        """The rule as `RoutingStep.rules` keeps it (only the keys that say something)."""
        data = self.cleaned_data
        rule = {"option": data["option"]}
        if data["equals"] != "":
            value = data["equals"]
            rule["equals"] = {"true": True, "false": False}.get(value.lower(), value)
            for key in ("setup", "minutes"):
                if data[key]:
                    rule[key] = data[key]
        elif data["per_unit"]:
            rule["per_unit"] = data["per_unit"]
        return rule


StepFormSet = forms.formset_factory(StepForm, extra=1, can_delete=True)
RuleFormSet = forms.formset_factory(RuleForm, extra=2, can_delete=True)


class NewRoutingStepFormSet(StepFormSet):
    """A new routing's steps: a few blank rows to start with (a row left blank is skipped)."""

    extra = 4


def routing_formsets(data=None, *, centers, steps=(), rules=(), step_formset=StepFormSet):
    """The step and rule formsets of a routing's page; `steps` and `rules` the rows shown unbound.
    Bound without `initial`: every row posted is read (a row left as it was is still a step)."""
    if data is None:
        return (
            step_formset(initial=steps, prefix="steps", form_kwargs={"centers": centers}),
            RuleFormSet(initial=rules, prefix="rules"),
        )
    return step_formset(data, prefix="steps", form_kwargs={"centers": centers}), RuleFormSet(data, prefix="rules")


class NewRoutingForm(ParsedOnly, forms.ModelForm):
    """A new routing's plant and name; its steps and rules are the routing page's formsets."""

    class Meta:
        model = RoutingTemplate
        fields = ["plant", "name"]


def step_initial(routing):
    steps = routing.steps.prefetch_related("work_centers", "after").order_by("sequence", "pk")
    return [
        {
            "code": step.code,
            "name": step.name,
            "sequence": step.sequence,
            "minutes": step.minutes,
            "setup": step.setup,
            "per_piece": step.per_piece,
            "work_centers": list(step.work_centers.all()),
            "after": ", ".join(sorted(before.code for before in step.after.all())),
        }
        for step in steps
    ]


def rule_initial(routing):
    rows = []
    for step in routing.steps.order_by("sequence", "pk"):
        for rule in step.rules or []:
            equals = rule.get("equals", "")
            rows.append(
                {
                    "step": step.code,
                    "option": rule.get("option", ""),
                    "equals": str(equals).lower() if isinstance(equals, bool) else equals,
                    "setup": rule.get("setup") or None,
                    "minutes": rule.get("minutes") or None,
                    "per_unit": rule.get("per_unit") or None,
                }
            )
    return rows


def routing_steps_from(steps_formset, rules_formset):
    """([step dicts for services.routings.save_routing], [problems]) from two valid formsets."""
    steps = [
        {**form.cleaned_data, "work_centers": list(form.cleaned_data["work_centers"]), "rules": []}
        for form in steps_formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]
    by_code = {step["code"]: step for step in steps}
    problems = []
    for form in rules_formset.forms:
        if not form.cleaned_data or form.cleaned_data.get("DELETE"):
            continue
        step = by_code.get(form.cleaned_data["step"])
        if step is None:
            problems.append(
                f"A rule names the step “{form.cleaned_data['step']}”, which is not a step of this routing."
            )
        else:
            step["rules"].append(form.rule())
    for step in steps:
        step.pop("DELETE", None)
    return steps, problems
