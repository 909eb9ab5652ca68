"""Adding to the factory: plants (added and renamed on the factory's index), calendars, work
centers and a family's first routing (each added on a page of its own, then kept on the page it
already had).

Planners only, POST with CSRF, as the other factory pages; the forms parse and the services in
production.services refuse what cannot be planned with the reason, creating nothing.
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.views.decorators.http import require_http_methods, require_POST

from configurator.models import ProductFamily
from configurator.selectors import current_options

from . import factory_forms as forms
from .factory_views import FIELDS_MARKED, _refused, _replan, index_page, posted_steps
from .models import Calendar, Plant, RoutingTemplate, WorkCenter
from .services import calendars, plants, routings, work_centers
from .views import planner_required


def _plant_saved(request, form, save):
    """Validate a plant's form and save it with `save(code=..., name=...)`; the index again
    (400, the form and its errors) when either refuses."""
    if not form.is_valid():
        messages.error(request, FIELDS_MARKED)
        return None, index_page(request, bound=form, status=400)
    try:
        return save(code=form.cleaned_data["code"], name=form.cleaned_data["name"], user=request.user), None
    except calendars.FactoryError as error:
        _refused(request, error)
        return None, index_page(request, bound=form, status=400)


@planner_required
@require_POST
def add_plant(request):
    plant, refused = _plant_saved(request, forms.PlantForm(request.POST, prefix="new-plant"), plants.add_plant)
    if refused:
        return refused
    messages.success(request, f"Plant {plant.name} ({plant.code}) added; add its work centers below.")
    return redirect("production:factory")


@planner_required
@require_POST
def rename_plant(request, pk):
    plant = get_object_or_404(Plant, pk=pk)
    form = forms.PlantForm(request.POST, instance=plant, prefix=f"plant-{plant.pk}")
    changes, refused = _plant_saved(request, form, lambda **given: plants.rename_plant(plant=plant, **given))
    if refused:
        return refused
    if changes:
        messages.success(request, f"Plant {plant.name} saved: {'; '.join(changes)}.")
    else:
        messages.info(request, f"Plant {plant.name} is already as given; nothing changed.")
    return redirect("production:factory")


@planner_required
@require_http_methods(["GET", "POST"])
def add_calendar(request):
    """A new calendar: its name and weekly hours, checked as a calendar's page checks them."""
    data = request.POST if request.method == "POST" else None
    name = forms.CalendarNameForm(data, prefix="calendar")
    shifts = forms.NewCalendarShiftFormSet(data, instance=Calendar(), prefix="shifts")
    breaks = forms.BreakFormSet(data, instance=Calendar(), prefix="breaks")
    if data is None:
        return _new_calendar_page(request, name, shifts, breaks)
    if not (name.is_valid() and shifts.is_valid() and breaks.is_valid()):
        messages.error(request, FIELDS_MARKED)
        return _new_calendar_page(request, name, shifts, breaks, status=400)
    try:
        calendar = calendars.add_calendar(
            name=name.cleaned_data["name"],
            shifts=forms.kept_rows(shifts, ("weekday", "start", "end")),
            breaks=forms.kept_rows(breaks, ("start", "end")),
            user=request.user,
        )
    except calendars.FactoryError as error:
        _refused(request, error)
        return _new_calendar_page(request, name, shifts, breaks, status=400)
    messages.success(
        request, f"Calendar {calendar.name} added. Put a work center on it from the work center's page, or add one."
    )
    return redirect("production:factory-calendar", pk=calendar.pk)


def _new_calendar_page(request, name, shifts, breaks, *, status=200):
    context = {"name_form": name, "shifts": shifts, "breaks": breaks}
    return render(request, "production/factory/calendar_new.html", context, status=status)


@planner_required
@require_http_methods(["GET", "POST"])
def add_work_center(request):
    """A new work center: plant, code and the fields of a center's page, checked as that page checks them."""
    form = forms.NewWorkCenterForm(request.POST or None, prefix="center")
    if request.method == "GET":
        return _new_work_center_page(request, form)
    if not form.is_valid():
        messages.error(request, FIELDS_MARKED)
        return _new_work_center_page(request, form, status=400)
    try:
        center = work_centers.add_work_center(
            **{field: form.cleaned_data[field] for field in form.Meta.fields},
            steps=list(form.cleaned_data["steps"]),
            user=request.user,
        )
    except calendars.FactoryError as error:
        _refused(request, error)
        return _new_work_center_page(request, form, status=400)
    done = f"{center} added to {center.plant}."
    if form.cleaned_data["steps"]:
        _replan(request, [center.plant], trigger=f"{center} added", done=done)
    else:
        messages.info(
            request, f"{done} It may run no routing step yet, so the plan gives it no work: tick its steps below."
        )
    return redirect("production:factory-work-center", pk=center.pk)


def _new_work_center_page(request, form, *, status=200):
    return render(request, "production/factory/work_center_new.html", {"form": form}, status=status)


@planner_required
@require_http_methods(["GET", "POST"])
def add_routing(request, family_slug):
    """A first routing for a configurator family that has none: plant, name, then the steps and
    rules of a routing's page, checked as that page checks them."""
    family = get_object_or_404(ProductFamily, slug=family_slug)
    existing = RoutingTemplate.objects.filter(family_slug=family.slug).first()
    if existing is not None:
        messages.info(request, f"{family} has a routing already: {existing.name}. Edit it here.")
        return redirect("production:factory-routing", pk=existing.pk)
    data = request.POST if request.method == "POST" else None
    plants_there = Plant.objects.order_by("name")
    only_plant = plants_there.first() if plants_there.count() == 1 else None
    meta = forms.NewRoutingForm(data, prefix="routing", initial={"name": family.name, "plant": only_plant})
    # Every plant's centers, each named with its plant: the service refuses one of another plant.
    steps, rules = forms.routing_formsets(
        data, centers=WorkCenter.objects.select_related("plant"), step_formset=forms.NewRoutingStepFormSet
    )
    for form in steps:
        form.fields["work_centers"].label_from_instance = lambda center: f"{center} ({center.plant})"
    if data is None:
        return _new_routing_page(request, family, meta, steps, rules)
    if not meta.is_valid():
        messages.error(request, FIELDS_MARKED)
        return _new_routing_page(request, family, meta, steps, rules, status=400)
    step_data = posted_steps(request, steps, rules)
    if step_data is None:
        return _new_routing_page(request, family, meta, steps, rules, status=400)
    try:
        routing = routings.add_routing(family_slug=family.slug, **meta.cleaned_data, steps=step_data, user=request.user)
    except calendars.FactoryError as error:
        _refused(request, error)
        return _new_routing_page(request, family, meta, steps, rules, status=400)
    messages.success(
        request,
        f"{routing.name} added as revision 1 with {len(step_data)} step{pluralize(len(step_data))}. "
        f"{family}'s orders are released to production with it as they are paid; those paid in the last 30 "
        "days that were waiting for it are released within about ten minutes (the reconciler).",
    )
    return redirect("production:factory-routing", pk=routing.pk)


def _new_routing_page(request, family, meta, steps, rules, *, status=200):
    context = {
        "family": family,
        "meta": meta,
        "steps": steps,
        "rules": rules,
        "options": current_options(family.slug) or [],
    }
    return render(request, "production/factory/routing_new.html", context, status=status)
