"""The planner's board in Oscar's dashboard: parse, call a service or selector, render.

Planners only (production.access.PLANNERS: staff with production.plan_production, which the
"Planners" group has): anyone signed out is sent to sign in, any other account gets 403, by
Oscar's permissions_required as on every staff page. Actions are POST with CSRF.
"""

from datetime import date, datetime, timedelta

from django.contrib import messages
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from oscar.views.decorators import permissions_required

from . import gantt, planning, tasks, travelers
from .access import PLANNERS
from .models import Operation, TravelerBatch, WorkCenter, WorkOrder
from .selectors import board as figures
from .services import floor, rates
from .services.replanning import replan


def planner_required(view):
    """The board's pages change by the minute: never cached, for planners only (production.access)."""
    return never_cache(permissions_required(PLANNERS)(view))


def _day(value):
    try:
        return date.fromisoformat(value) if value else timezone.localdate()
    except ValueError:
        return None


def _back(request):
    view = request.POST.get("view") if request.POST.get("view") in ("day", "week") else "day"
    day = _day(request.POST.get("day")) or timezone.localdate()
    return redirect(f"{reverse('production:board')}?view={view}&day={day.isoformat()}")


@planner_required
@require_GET
def board(request):
    view = request.GET.get("view", "day")
    day = _day(request.GET.get("day"))
    if view not in ("day", "week") or day is None:
        messages.error(request, "Unknown view or date; showing today.")
        view, day = "day", timezone.localdate()
    plant = figures.default_plant()
    if plant is None:
        return render(request, "production/board.html", {"plant": None})
    start, end = figures.window(view, day)
    centers = list(WorkCenter.objects.filter(plant=plant))
    operations = list(figures.board_operations(plant, start, end))
    late, at_risk = figures.orders_at_risk(plant)
    standings = figures.open_work_orders(plant)
    late_ids = frozenset(standing.work_order.pk for standing in late)
    load = figures.work_center_load(plant, start, end)
    eligible, minutes = {}, {}
    for op in operations:
        alternatives = list(op.alternatives.select_related("work_center"))
        eligible[op.pk] = [alt.work_center for alt in alternatives]
        minutes[op.pk] = {alt.work_center_id: alt.setup + alt.minutes for alt in alternatives}
    drag = {"url": reverse("production:drop", args=[0]), "revision": plant.plan_revision, "eligible": minutes}
    context = {
        "plant": plant,
        "view": view,
        "day": day,
        "previous_day": day - timedelta(days=7 if view == "week" else 1),
        "next_day": day + timedelta(days=7 if view == "week" else 1),
        "start": start,
        "end": end,
        "gantt": mark_safe(
            gantt.gantt_svg(
                centers,
                operations,
                start,
                end,
                late_work_orders=late_ids,
                closures=figures.closed_spans(plant, start, end),
                drag=drag,
            )
        ),
        "load_chart": mark_safe(gantt.load_svg(load)),
        "colours": gantt.COLOURS,
        "load": load,
        "operations": [(op, eligible[op.pk]) for op in operations],
        "late": late,
        "standings": standings,
        "at_risk": at_risk,
        "last_run": figures.last_run(plant),
        "failure": figures.last_failure(plant),
        "events": figures.recent_events(plant),
        "work_centers": centers,
    }
    return render(request, "production/board.html", context)


@planner_required
@require_POST
def replan_now(request):
    run = replan(trigger="re-plan now", user=request.user)
    if run is None:
        messages.info(request, "Nothing to plan.")
    elif run.outcome == run.FAILED:
        messages.error(request, run.message)
    else:
        messages.success(request, f"Re-planned in {run.seconds:.1f} s ({run.status}): {run.message}.")
    return _back(request)


@planner_required
@require_POST
def freeze(request, pk):
    work_order = get_object_or_404(WorkOrder, pk=pk)
    frozen = request.POST.get("frozen", "1") == "1"
    floor.freeze_work_order(work_order=work_order, user=request.user, frozen=frozen)
    messages.success(request, f"{work_order.number} {'frozen' if frozen else 'released'}.")
    return _back(request)


@planner_required
@require_POST
def move(request, pk):
    operation = get_object_or_404(Operation.objects.select_related("work_order", "work_center"), pk=pk)
    work_center = _chosen_work_center(request)
    try:
        if work_center is None:
            raise floor.ProductionActionError("Choose a work center.")
        floor.move_operation(operation=operation, work_center=work_center, user=request.user)
    except floor.ProductionActionError as error:
        messages.error(request, " ".join(error.messages))
        return _back(request)
    return _replan_and_report(
        request, trigger=f"{operation} moved", done=f"{operation} moved to {work_center} and the plan updated."
    )


def _chosen_work_center(request):
    chosen = request.POST.get("work_center", "")
    return WorkCenter.objects.filter(pk=int(chosen)).first() if chosen.isdigit() else None


def _replan_and_report(request, *, trigger, done):
    """After a change on the floor: re-plan, and tell the planner whether the plan followed."""
    run = replan(trigger=trigger, user=request.user)
    if run is not None and run.outcome == run.FAILED:
        messages.error(request, run.message)
    else:
        messages.success(request, done)
    return _back(request)


def _moment(value):
    try:
        moment = datetime.fromisoformat(value or "")
    except ValueError:
        return None
    return moment if timezone.is_aware(moment) else moment.replace(tzinfo=planning.plant_zone())


@planner_required
@require_POST
def downtime(request):
    """A work center goes down (breakdown, maintenance): record it and re-plan around it."""
    work_center = _chosen_work_center(request)
    start, end = _moment(request.POST.get("start")), _moment(request.POST.get("end"))
    try:
        if work_center is None or start is None or end is None:
            raise floor.ProductionActionError("Choose a work center and give the start and end of the downtime.")
        floor.add_downtime(
            work_center=work_center,
            start=start,
            end=end,
            reason=request.POST.get("reason", "")[:120],
            user=request.user,
        )
    except floor.ProductionActionError as error:
        messages.error(request, " ".join(error.messages))
        return _back(request)
    done = f"{work_center} is down {start:%d %b %H:%M}–{end:%d %b %H:%M}; the plan works around it."
    return _replan_and_report(request, trigger=f"{work_center} down", done=done)


@planner_required
@require_POST
def rate(request):
    """A work center's cost per hour, for margins: the orders sold from now on are costed at it."""
    work_center = _chosen_work_center(request)
    try:
        if work_center is None:
            raise floor.ProductionActionError("Choose a work center.")
        amount = rates.parse_rate(request.POST.get("rate_per_hour"))
        changed = rates.set_work_center_rate(work_center=work_center, rate=amount, user=request.user)
    except floor.ProductionActionError as error:
        messages.error(request, " ".join(error.messages))
        return _back(request)
    if changed:
        messages.success(request, f"{work_center} now costs {amount} an hour, for the orders sold from now on.")
    else:
        messages.info(request, f"{work_center} already costs {amount} an hour.")
    return _back(request)


ACTIONS = {
    "start": lambda op, user: floor.start_operation(operation=op, user=user),
    "finish": lambda op, user: floor.finish_operation(operation=op, user=user),
    "block": lambda op, user: floor.block_operation(operation=op, user=user),
    "unblock": lambda op, user: floor.block_operation(operation=op, user=user, unblock=True),
}


@planner_required
@require_POST
def set_status(request, pk):
    operation = get_object_or_404(Operation.objects.select_related("work_order", "work_center"), pk=pk)
    action = ACTIONS.get(request.POST.get("action"))
    if action is None:
        messages.error(request, "Unknown action.")
        return _back(request)
    try:
        action(operation, request.user)
    except floor.ProductionActionError as error:
        messages.error(request, " ".join(error.messages))
        return _back(request)
    transaction.on_commit(
        lambda: tasks.replan_plant.delay(operation.work_order.plant_id, f"{operation} {request.POST['action']}")
    )
    messages.success(request, f"{operation}: {request.POST['action']} recorded.")
    return _back(request)


@planner_required
@require_GET
def traveler(request, pk):
    work_order = get_object_or_404(WorkOrder.objects.select_related("order"), pk=pk)
    response = HttpResponse(travelers.traveler_pdf(work_order), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="traveler-{work_order.number}.pdf"'
    return response


@planner_required
@require_POST
def print_day(request):
    day = _day(request.POST.get("day"))
    if day is None:
        messages.error(request, "Give the day to print as YYYY-MM-DD.")
        return _back(request)
    batch = TravelerBatch.objects.create(day=day, requested_by=request.user)
    transaction.on_commit(lambda: tasks.print_travelers.delay(batch.pk))
    return redirect("production:batch", pk=batch.pk)


@planner_required
@require_GET
def batch(request, pk):
    batch = get_object_or_404(TravelerBatch, pk=pk)
    if request.GET.get("format") == "json":
        return JsonResponse(
            {
                "state": batch.state,
                "done": batch.done,
                "total": batch.total,
                "message": batch.message,
                "pdf": reverse("production:batch-pdf", args=[batch.pk]) if batch.pdf else "",
            }
        )
    return render(request, "production/batch.html", {"batch": batch})


@planner_required
@require_GET
def batch_pdf(request, pk):
    batch = get_object_or_404(TravelerBatch, pk=pk)
    if not batch.pdf:
        raise Http404("Not rendered yet")
    return FileResponse(batch.pdf.open("rb"), as_attachment=True, filename=f"travelers-{batch.day}.pdf")
