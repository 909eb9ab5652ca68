"""Why late and what-if, for planners (the board's permission, never cached): read, apply a fix
with one POST (CSRF, checked against the plan revision the page showed), re-plan, show what moved."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST

from . import comparison_chart, planning
from .models import Downtime, Operation, Overtime, RoutingTemplate, WorkCenter, WorkOrder
from .selectors import board as figures
from .selectors import lateness, what_if
from .services import fixes, floor
from .services.replanning import replan
from .views import _moment, planner_required
from .what_if_forms import WhatIfForm


def _positions(plant):
    return {
        op.pk: (op.work_center_id, op.planned_start, op.planned_end, str(op))
        for op in Operation.objects.filter(work_order__plant=plant, status=Operation.PLANNED).select_related(
            "work_order"
        )
    }


def _replan_showing_moves(request, plant, trigger, done):
    before = _positions(plant)
    # One minute of lateness outweighs one moved operation: the plan takes up the fix.
    run = replan(plant=plant, trigger=trigger, user=request.user, stability_weight=what_if.COMMIT_STABILITY)
    if run is not None and run.outcome == run.FAILED:
        messages.error(request, run.message)
        return
    after = _positions(plant)
    zone = planning.plant_zone()
    moved = [
        f"{after[pk][3]}: {(after[pk][1] or before[pk][1]).astimezone(zone):%a %d %b %H:%M} (was "
        f"{before[pk][1].astimezone(zone):%a %d %b %H:%M})"
        for pk in sorted(after)
        if pk in before and before[pk][:3] != after[pk][:3] and before[pk][1] and after[pk][1]
    ]
    request.session["why_late_moved"] = moved[:30]
    messages.success(request, f"{done} Re-planned: {len(moved)} operation{'s' if len(moved) != 1 else ''} moved.")


@planner_required
@require_GET
def why_late(request):
    plant = figures.default_plant()
    reasons = lateness.why_late(plant) if plant else []
    return render(
        request,
        "production/why_late.html",
        {
            "plant": plant,
            "reasons": reasons,
            "revision": plant.plan_revision if plant else 0,
            "moved": request.session.pop("why_late_moved", []),
        },
    )


def _revision(request):
    value = request.POST.get("revision", "")
    return int(value) if value.isdigit() else -1


@planner_required
@require_POST
def apply_fix(request, pk):
    """One suggestion of the why-late page, as the page showed it."""
    work_order = get_object_or_404(WorkOrder, pk=pk)
    plant, kind, revision = work_order.plant, request.POST.get("kind"), _revision(request)
    try:
        if kind == "overtime":
            center = WorkCenter.objects.filter(pk=request.POST.get("work_center") or 0).first()
            starts, ends = request.POST.getlist("start"), request.POST.getlist("end")
            spans = [(_moment(a), _moment(b)) for a, b in zip(starts, ends, strict=False)]
            if center is None or not spans or any(a is None or b is None for a, b in spans):
                raise floor.ProductionActionError("Choose a work center and give the overtime's start and end.")
            fixes.add_overtime_spans(
                work_center=center, spans=spans, user=request.user, reason=f"for {work_order}", revision=revision
            )
            done = f"Overtime added on {center} for {work_order}."
        elif kind == "alternative":
            operation = get_object_or_404(Operation, pk=request.POST.get("operation") or 0, work_order=work_order)
            center = WorkCenter.objects.filter(pk=request.POST.get("work_center") or 0).first()
            if center is None:
                raise floor.ProductionActionError("Choose a work center.")
            fixes.check_revision_now(plant, revision)
            floor.move_operation(operation=operation, work_center=center, user=request.user)
            done = f"{operation} moved to {center}."
        elif kind == "promise":
            due = _moment(request.POST.get("due"))
            if due is None or due <= work_order.due_at:
                raise floor.ProductionActionError("A later promise comes after the present one.")
            fixes.promise_later(work_order=work_order, due_at=due, user=request.user, revision=revision)
            done = f"{work_order} now due {due.astimezone(planning.plant_zone()):%a %d %b %H:%M}."
        else:
            raise floor.ProductionActionError("Unknown suggestion.")
    except floor.ProductionActionError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("production:why-late")
    _replan_showing_moves(request, plant, f"why late: {kind} for {work_order}", done)
    return redirect("production:why-late")


def _changes(form):
    data = form.cleaned_data
    kind = data["kind"]
    if kind == "overtime":
        return planning.Changes(
            overtimes=(Overtime(work_center=data["work_center"], start=data["start"], end=data["end"]),)
        )
    if kind == "downtime":
        return planning.Changes(
            downtimes=(Downtime(work_center=data["work_center"], start=data["start"], end=data["end"]),)
        )
    if kind == "rush":
        work_order = data["work_order"]
        return planning.Changes(weights={work_order.pk: _rush_weight(work_order)})
    return planning.Changes()


def _rush_weight(work_order):
    template = RoutingTemplate.objects.filter(family_slug=work_order.family_slug).first()
    return work_order.weight * (template.rush_weight if template else 3)


@planner_required
@require_GET
def what_if_page(request):
    plant = figures.default_plant()
    form = WhatIfForm(request.GET or None)
    comparison, rows = None, []
    if plant is not None and form.is_valid():
        data = form.cleaned_data
        family = data["family"].family_slug if data["kind"] == "new" else None
        comparison = what_if.compare(plant, changes=_changes(form), family=family, quantity=data.get("quantity") or 1)
        rows = [(wc.name, comparison.live.load.get(wc.code, 0), comparison.changed.load.get(wc.code, 0))
                for wc in comparison.centers]  # fmt: skip
    return render(
        request,
        "production/what_if.html",
        {
            "plant": plant,
            "form": form,
            "comparison": comparison,
            "load_rows": rows,
            "chart": mark_safe(comparison_chart.load_comparison_svg(rows)) if rows else "",
            "query": request.GET.urlencode(),
        },
    )


@planner_required
@require_POST
def what_if_commit(request):
    """The change tried on the what-if page, for real, then a re-plan; refused if the plan moved since."""
    plant = figures.default_plant()
    form = WhatIfForm(request.POST)
    back = f"{reverse('production:what-if')}?{request.POST.get('query', '')}"
    if plant is None or not form.is_valid():
        messages.error(request, "That change cannot be committed; try it again.")
        return redirect(back)
    data, revision = form.cleaned_data, form.cleaned_data.get("revision")
    if revision is None:
        revision = -1
    try:
        if data["kind"] == "overtime":
            fixes.add_overtime(
                work_center=data["work_center"], start=data["start"], end=data["end"], user=request.user,
                reason="what-if", revision=revision,
            )  # fmt: skip
        elif data["kind"] == "downtime":
            fixes.check_revision_now(plant, revision)
            floor.add_downtime(
                work_center=data["work_center"], start=data["start"], end=data["end"], reason="what-if",
                user=request.user,
            )  # fmt: skip
        elif data["kind"] == "rush":
            work_order = data["work_order"]
            fixes.make_rush(
                work_order=work_order, weight=_rush_weight(work_order), user=request.user, revision=revision
            )
        else:
            raise floor.ProductionActionError("A new order comes from the shop: a what-if of one is not committed.")
    except floor.ProductionActionError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(back)
    _replan_showing_moves(request, plant, f"what-if committed: {data['kind']}", "Committed.")
    return redirect("production:why-late")
