"""The factory in the dashboard: calendars, work centers and routings, maintained by planners.

Planners only (production.access.PLANNERS, as on the board); every change is a POST with CSRF,
goes through a service in production.services that refuses what cannot be planned with the
reason (nothing changed), and is followed by a re-plan whose outcome the page reports.
"""

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import factory_forms as forms
from .models import Calendar, Holiday, Overtime, Plant, RoutingTemplate, WorkCenter
from .selectors.routings import families_without_routing
from .services import calendars, routings, work_centers
from .services.replanning import replan
from .views import planner_required


def _replan(request, plants, *, trigger, done):
    """Re-plan each plant the change touches and say what the plan did, after `done`."""
    outcomes = []
    for plant in plants:
        run = replan(plant=plant, trigger=trigger, user=request.user)
        if run is not None and run.outcome == run.FAILED:
            messages.error(request, f"{done} {run.message}")
            return
        if run is not None:
            outcomes.append(f"{plant}: {run.message or 'nothing to plan'}")
    messages.success(request, f"{done} Re-planned — {'; '.join(outcomes) or 'nothing to plan'}.")


FIELDS_MARKED = "Nothing was changed: correct the fields marked below."


def _refused(request, error):
    messages.error(request, "Nothing was changed: " + " ".join(error.messages))


@planner_required
@require_GET
def index(request):
    return index_page(request)


def index_page(request, *, bound=None, status=200):
    """The factory's index; `bound` is a form just posted and refused (a plant's or the new
    plant's), shown in place of its blank one with its errors."""

    def form(prefix, plant=None):
        return bound if bound is not None and bound.prefix == prefix else forms.PlantForm(instance=plant, prefix=prefix)

    return render(
        request,
        "production/factory/index.html",
        {
            "plants": [(plant, form(f"plant-{plant.pk}", plant)) for plant in Plant.objects.order_by("name")],
            "new_plant": form("new-plant"),
            "calendars": Calendar.objects.annotate(centers=Count("work_centers")).order_by("name"),
            "work_centers": WorkCenter.objects.select_related("plant", "calendar"),
            "routings": RoutingTemplate.objects.annotate(step_count=Count("steps")).order_by("name"),
            "families_without_routing": families_without_routing(),
        },
        status=status,
    )


def _calendar_page(request, calendar, *, shifts=None, breaks=None, holiday_form=None, overtime_form=None, status=200):
    context = {
        "calendar": calendar,
        "shifts": shifts or forms.ShiftFormSet(instance=calendar, prefix="shifts"),
        "breaks": breaks or forms.BreakFormSet(instance=calendar, prefix="breaks"),
        "holiday_form": holiday_form or forms.HolidayForm(),
        "overtime_form": overtime_form or forms.OvertimeForm(calendar=calendar),
        "holidays": calendar.holidays.order_by("date"),
        "overtimes": Overtime.objects.filter(work_center__calendar=calendar).select_related("work_center"),
        "work_centers": calendar.work_centers.all(),
    }
    return render(request, "production/factory/calendar.html", context, status=status)


@planner_required
@require_http_methods(["GET", "POST"])
def calendar(request, pk):
    """The calendar's page; a POST saves its weekly shifts and breaks (two formsets)."""
    calendar = get_object_or_404(Calendar, pk=pk)
    if request.method == "GET":
        return _calendar_page(request, calendar)
    shifts = forms.ShiftFormSet(request.POST, instance=calendar, prefix="shifts")
    breaks = forms.BreakFormSet(request.POST, instance=calendar, prefix="breaks")
    if not (shifts.is_valid() and breaks.is_valid()):
        messages.error(request, "Nothing was changed: correct the hours marked below.")
        return _calendar_page(request, calendar, shifts=shifts, breaks=breaks, status=400)
    try:
        calendars.set_calendar_hours(
            calendar=calendar,
            shifts=forms.kept_rows(shifts, ("weekday", "start", "end")),
            breaks=forms.kept_rows(breaks, ("start", "end")),
            user=request.user,
        )
    except calendars.FactoryError as error:
        _refused(request, error)
        return _calendar_page(request, calendar, shifts=shifts, breaks=breaks, status=400)
    _replan(
        request,
        calendars.plants_using(calendar),
        trigger=f"{calendar.name} hours changed",
        done=f"{calendar.name}'s hours saved.",
    )
    return redirect("production:factory-calendar", pk=calendar.pk)


@planner_required
@require_POST
def add_holiday(request, pk):
    calendar = get_object_or_404(Calendar, pk=pk)
    form = forms.HolidayForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Nothing was changed: give the holiday's date.")
        return _calendar_page(request, calendar, holiday_form=form, status=400)
    day = form.cleaned_data["date"]
    try:
        calendars.add_holiday(calendar=calendar, day=day, name=form.cleaned_data["name"], user=request.user)
    except calendars.FactoryError as error:
        _refused(request, error)
        return _calendar_page(request, calendar, holiday_form=form, status=400)
    _replan(
        request,
        calendars.plants_using(calendar),
        trigger=f"holiday on {day:%d %b}",
        done=f"{calendar.name} is closed on {day:%a %d %b %Y}; its planned work moves to open days.",
    )
    return redirect("production:factory-calendar", pk=calendar.pk)


@planner_required
@require_POST
def remove_holiday(request, pk, holiday_pk):
    calendar = get_object_or_404(Calendar, pk=pk)
    holiday = get_object_or_404(Holiday, pk=holiday_pk, calendar=calendar)
    if calendars.remove_holiday(holiday=holiday, user=request.user):
        _replan(
            request,
            calendars.plants_using(calendar),
            trigger=f"holiday on {holiday.date:%d %b} removed",
            done=f"{calendar.name} is open again on {holiday.date:%a %d %b %Y}.",
        )
    return redirect("production:factory-calendar", pk=calendar.pk)


@planner_required
@require_POST
def add_overtime(request, pk):
    calendar = get_object_or_404(Calendar, pk=pk)
    form = forms.OvertimeForm(request.POST, calendar=calendar)
    if not form.is_valid():
        messages.error(request, "Nothing was changed: correct the overtime marked below.")
        return _calendar_page(request, calendar, overtime_form=form, status=400)
    data = form.cleaned_data
    try:
        overtime = calendars.add_overtime(
            work_center=data["work_center"],
            start=data["start"],
            end=data["end"],
            reason=data["reason"],
            user=request.user,
        )
    except calendars.FactoryError as error:
        _refused(request, error)
        return _calendar_page(request, calendar, overtime_form=form, status=400)
    _replan(
        request,
        [overtime.work_center.plant],
        trigger=f"overtime on {overtime.work_center}",
        done=f"Overtime added on {overtime.work_center}.",
    )
    return redirect("production:factory-calendar", pk=calendar.pk)


@planner_required
@require_POST
def remove_overtime(request, pk, overtime_pk):
    calendar = get_object_or_404(Calendar, pk=pk)
    overtime = get_object_or_404(
        Overtime.objects.select_related("work_center__plant"), pk=overtime_pk, work_center__calendar=calendar
    )
    if calendars.remove_overtime(overtime=overtime, user=request.user):
        _replan(
            request,
            [overtime.work_center.plant],
            trigger=f"overtime on {overtime.work_center} removed",
            done=f"Overtime removed from {overtime.work_center}.",
        )
    return redirect("production:factory-calendar", pk=calendar.pk)


@planner_required
@require_http_methods(["GET", "POST"])
def work_center(request, pk):
    """A work center's page: capacity, rate per hour, calendar, and the routing steps it may run."""
    center = get_object_or_404(WorkCenter.objects.select_related("plant", "calendar"), pk=pk)
    form = forms.WorkCenterForm(request.POST or None, instance=center, prefix="center")
    if request.method == "POST":
        if not form.is_valid():
            messages.error(request, FIELDS_MARKED)
            return _work_center_page(request, center, form, status=400)
        data = form.cleaned_data
        try:
            changes = work_centers.update_work_center(
                work_center=center,
                name=data["name"],
                capacity=data["capacity"],
                rate_per_hour=data["rate_per_hour"],
                calendar=data["calendar"],
                steps=list(data["steps"]),
                user=request.user,
            )
        except calendars.FactoryError as error:
            _refused(request, error)
            return _work_center_page(request, center, form, status=400)
        if not changes:
            messages.info(request, f"{center} is already as given; nothing changed.")
        else:
            _replan(request, [center.plant], trigger=f"{center} changed", done=f"{center} saved: {'; '.join(changes)}.")
        return redirect("production:factory-work-center", pk=center.pk)
    return _work_center_page(request, center, form)


def _work_center_page(request, center, form, *, status=200):
    context = {
        "center": center,
        "form": form,
        "overtimes": center.overtimes.all(),
        "downtimes": center.downtimes.order_by("-start")[:10],
    }
    return render(request, "production/factory/work_center.html", context, status=status)


def _routing_formsets(routing, data=None):
    centers = WorkCenter.objects.filter(plant=routing.plant)
    if data is None:
        return forms.routing_formsets(
            centers=centers, steps=forms.step_initial(routing), rules=forms.rule_initial(routing)
        )
    return forms.routing_formsets(data, centers=centers)


def posted_steps(request, steps, rules):
    """The steps of a routing's posted formsets (see `services.routings.routing_problems`), or
    None after telling the planner why they cannot be read."""
    if not (steps.is_valid() and rules.is_valid()):
        messages.error(request, FIELDS_MARKED)
        return None
    data, problems = forms.routing_steps_from(steps, rules)
    if problems:
        _refused(request, calendars.FactoryError(problems))
        return None
    return data


def _routing_page(request, routing, steps, rules, *, read_revision=None, status=200):
    context = {
        "routing": routing,
        "steps": steps,
        "rules": rules,
        "read_revision": routing.revision if read_revision is None else read_revision,
        "revisions": routing.revisions.select_related("saved_by").annotate(made=Count("work_orders")),
        "options": routings.family_options(routing),
    }
    return render(request, "production/factory/routing.html", context, status=status)


@planner_required
@require_http_methods(["GET", "POST"])
def routing(request, pk):
    """A family's routing: steps, rules as rows, eligible centers, precedences; its revisions."""
    template = get_object_or_404(RoutingTemplate.objects.select_related("plant", "updated_by"), pk=pk)
    if request.method == "GET":
        return _routing_page(request, template, *_routing_formsets(template))
    steps, rules = _routing_formsets(template, request.POST)
    read = request.POST.get("read_revision", "")
    if not read.isdigit():
        messages.error(request, "Nothing was changed: the form is incomplete; reload the page.")
        return _routing_page(request, template, steps, rules, status=400)
    data = posted_steps(request, steps, rules)
    if data is None:
        return _routing_page(request, template, steps, rules, read_revision=int(read), status=400)
    try:
        revision = routings.save_routing(routing=template, read_revision=int(read), steps=data, user=request.user)
    except calendars.FactoryError as error:
        _refused(request, error)
        return _routing_page(request, template, steps, rules, read_revision=int(read), status=400)
    messages.success(
        request,
        f"{template.name} saved as revision {revision.number}. Orders released from now on are made with it; "
        "work already released keeps the routing it was made with.",
    )
    return redirect("production:factory-routing", pk=template.pk)
