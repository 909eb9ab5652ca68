"""The shop-floor terminal (/floor/): a tablet page per work center, its queue, a scan box, and
one page per operation with start, pause, resume and finish. Parse, call a service or selector,
render; the answers are the services' words.

Operators (production.access.OPERATORS, the "Shop floor" group) and planners may use it: anyone
signed out is sent to sign in, any other account gets 403. Actions are POST with CSRF and come
back to the page they were tapped on (post/redirect/get), so a reload repeats nothing.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from . import tasks
from .access import OPERATORS, PLANNERS
from .models import Operation, WorkCenter
from .selectors import terminal as floor_queue
from .selectors.specification import changes_by_operation, specification_of
from .services import terminal
from .services.floor import ProductionActionError


def may_operate(user):
    # PLANNERS is Oscar's list: "is_staff" is an attribute there, the rest permissions.
    planner = user.is_staff and user.has_perms([name for name in PLANNERS if name != "is_staff"])
    return user.is_authenticated and (user.has_perms(OPERATORS) or planner)


def operator_required(view):
    @wraps(view)
    def checked(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not may_operate(request.user):
            raise PermissionDenied("The shop-floor terminal is for operators and planners.")
        return view(request, *args, **kwargs)

    return never_cache(checked)


def _center(code):
    return get_object_or_404(WorkCenter.objects.select_related("plant"), code=code)


@operator_required
@require_GET
def home(request):
    return render(request, "production/floor/home.html", {"centers": floor_queue.centers()})


@operator_required
@require_GET
def center(request, code):
    work_center = _center(code)
    scanned, problem = request.GET.get("code"), ""
    if scanned is not None:
        found = floor_queue.scan(work_center, scanned)
        if found.operation is not None:
            return redirect("floor:operation", code=work_center.code, pk=found.operation.pk)
        problem = found.message
    context = {"center": work_center, "queue": floor_queue.queue(work_center), "problem": problem, "code": scanned}
    return render(request, "production/floor/center.html", context, status=404 if problem else 200)


def _operation(work_center, pk):
    queryset = Operation.objects.select_related("work_order__line", "work_center").prefetch_related("alternatives")
    return get_object_or_404(queryset, pk=pk, work_center=work_center)


@operator_required
@require_GET
def operation(request, code, pk):
    work_center = _center(code)
    op = _operation(work_center, pk)
    work_order = op.work_order
    context = {
        "center": work_center,
        "operation": op,
        "work_order": work_order,
        "specification": specification_of(work_order),
        "changes": changes_by_operation(work_order, [op]).get(op.pk, []),
        "waiting": [before.name for before in op.after.exclude(status=Operation.FINISHED)],
    }
    return render(request, "production/floor/operation.html", context)


def _finish(op, user, data):
    good = terminal.parse_count(data.get("good"), "Good pieces")
    scrap = terminal.parse_count(data.get("scrap") or "0", "Scrapped pieces")
    return terminal.finish(operation=op, user=user, good=good, scrap=scrap, reason=data.get("reason", "")[:200])


ACTIONS = {
    "start": lambda op, user, data: terminal.start(operation=op, user=user),
    "pause": lambda op, user, data: terminal.pause(operation=op, user=user),
    "resume": lambda op, user, data: terminal.resume(operation=op, user=user),
    "finish": _finish,
}
# What moves the plan: a start or finish gives it a fact to plan around; a pause does not.
REPLANNED = {"start", "finish"}


@operator_required
@require_POST
def act(request, code, pk, action):
    work_center = _center(code)
    op = _operation(work_center, pk)
    do = ACTIONS.get(action)
    if do is None:
        messages.error(request, "Unknown action; nothing changed.")
        return redirect("floor:operation", code=code, pk=op.pk)
    try:
        outcome = do(op, request.user, request.POST)
    except ProductionActionError as error:
        said = " ".join(error.messages)
        messages.error(request, said if "nothing" in said.lower() else f"{said} Nothing changed.")
        return redirect("floor:operation", code=code, pk=op.pk)
    if outcome.changed and action in REPLANNED:
        plant_id, trigger = op.work_order.plant_id, f"{op} {action} on the floor"
        transaction.on_commit(lambda: tasks.replan_plant.delay(plant_id, trigger))
    (messages.success if outcome.changed else messages.info)(request, outcome.message)
    if action == "finish" and outcome.changed:
        return redirect("floor:center", code=code)
    return redirect("floor:operation", code=code, pk=op.pk)
