"""The Gantt's drop, as JSON for the board's script (production/static/production/drag.js).

Planners only, POST with CSRF, as every board action; the checks and the write are
production.services.dragging's. Bad input answers 400, a drop the plan no longer allows (the
operation started, its work order frozen, the plan changed since the page was drawn) 409, each
with a message in words and nothing changed.
"""

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import require_POST

from .models import Operation, WorkCenter
from .services import dragging
from .views import _back, _moment, _replan_and_report, planner_required


@planner_required
@require_POST
def drop(request, pk):
    operation = get_object_or_404(Operation.objects.select_related("work_order__plant", "work_center"), pk=pk)
    chosen, revision = request.POST.get("work_center", ""), request.POST.get("revision", "")
    start = _moment(request.POST.get("start"))
    work_center = WorkCenter.objects.filter(pk=int(chosen)).first() if chosen.isdigit() else None
    if work_center is None or start is None or not revision.isdigit():
        return _refused("Give a work center, a start and the plan's revision; nothing was moved.", 400)
    try:
        drop, run, moved = dragging.drop_and_replan(
            operation=operation, work_center=work_center, start=start, revision=int(revision), user=request.user
        )
    except dragging.DropRefused as error:
        return _refused(" ".join(error.messages), error.status, reload=isinstance(error, dragging.StalePlan))
    where = f"{work_center}, {timezone.localtime(drop.start):%a %d %b %H:%M}–{timezone.localtime(drop.end):%H:%M}"
    if not drop.changed:
        message = f"{operation} is already on {where}; nothing changed."
    elif run is not None and run.outcome == run.FAILED:
        message = f"{operation} moved to {where} and held there, but the re-plan failed: {run.message}"
    else:
        count = f"{len(moved)} other operation{'s' if len(moved) != 1 else ''} moved"
        message = f"{operation} moved to {where} and held there; the re-plan followed: {count}."
    operation.work_order.plant.refresh_from_db(fields=["plan_revision"])
    return JsonResponse(
        {
            "ok": True,
            "changed": drop.changed,
            "message": message,
            "operation": operation.pk,
            "moved": [{"operation": m.operation.pk, "words": m.words} for m in moved],
            "replan_failed": bool(run is not None and run.outcome == run.FAILED),
            "revision": operation.work_order.plant.plan_revision,
        }
    )


def _refused(message, status, *, reload=False):
    return JsonResponse({"ok": False, "message": message, "reload": reload}, status=status)


@planner_required
@require_POST
def release(request, pk):
    """The form beside a held operation: the plan may move it again (and re-plans at once)."""
    operation = get_object_or_404(Operation.objects.select_related("work_order__plant", "work_center"), pk=pk)
    if not dragging.release_operation(operation=operation, user=request.user):
        messages.info(request, f"{operation} is not held; nothing changed.")
        return _back(request)
    return _replan_and_report(
        request, trigger=f"{operation} released", done=f"{operation} released; the plan may move it again."
    )
