"""The planner board's figures: the plant, its plan in a day or week window, each work center's
load and closed time, late and at-risk orders, the last plan run and the recent changes; and
the work orders a day's travelers are printed for."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Max, Min, Q

from .. import planning
from ..models import Operation, PlanRun, Plant, ProductionEvent, WorkCenter, WorkOrder
from ..scheduling import closures_from_openings
from ..scheduling.calendars import merge_windows


def default_plant():
    """The plant the board shows, and a re-plan without a named plant plans."""
    return Plant.objects.order_by("pk").first()


def last_run(plant):
    return PlanRun.objects.filter(plant=plant).first()


def last_failure(plant):
    """The most recent failed plan, if no plan succeeded after it: the board shows its message."""
    run = last_run(plant)
    return run if run is not None and run.outcome == PlanRun.FAILED else None


def window(view, day):
    days = 7 if view == "week" else 1
    zone = planning.plant_zone()
    start = datetime.combine(day, datetime.min.time(), zone)
    return start, start + timedelta(days=days)


def board_operations(plant, start, end):
    return (
        Operation.objects.filter(work_order__plant=plant, work_center__isnull=False, planned_start__lt=end)
        .filter(Q(planned_end__gt=start))
        .select_related("work_order", "work_center", "work_order__order")
        .order_by("work_center__code", "planned_start")
    )


@dataclass(frozen=True)
class OrderStanding:
    work_order: WorkOrder
    order_number: str
    due: datetime
    planned_end: datetime | None
    late_minutes: int

    @property
    def late_hours(self):
        return round(self.late_minutes / 60, 1)


def orders_at_risk(plant, *, slack_hours=8):
    """Open work orders planned after their due time (late), or with less than `slack_hours` of
    working time left between their planned end and their due time (at risk).

    Working time, not clock time: an order finishing on Friday evening for Monday 08:00 has 60
    clock hours to spare but only the Monday morning's shift, and is at risk.
    """
    late, risk = [], []
    hours = {}  # calendar pk -> its shifts, breaks and holidays, read once
    for standing in open_work_orders(plant):
        if standing.planned_end > standing.due:
            late.append(standing)
        elif _working_minutes(standing, hours) < slack_hours * 60:
            risk.append(standing)
    return late, risk


def _working_minutes(standing, hours):
    """Open minutes of the calendar of the work order's last work center, from its planned end to its due time."""
    last = (
        standing.work_order.operations.exclude(work_center=None)
        .order_by("-planned_end")
        .select_related("work_center__calendar")
        .first()
    )
    if last is None:
        return int((standing.due - standing.planned_end).total_seconds() // 60)
    calendar = last.work_center.calendar
    if calendar.pk not in hours:
        holidays = set(calendar.holidays.values_list("date", flat=True))
        hours[calendar.pk] = (list(calendar.shifts.all()), list(calendar.breaks.all()), holidays)
    clock = planning.Clock(planning.plan_origin(standing.planned_end))
    days = (standing.due - standing.planned_end).days + 1
    spans = planning.open_spans(last.work_center, clock, days, *hours[calendar.pk], [])
    start, end = clock.minute(standing.planned_end), clock.minute(standing.due)
    return sum(max(0, min(b, end) - max(a, start)) for a, b in spans)


def open_work_orders(plant):
    """Every open, planned work order with its promise (due) and planned end, least slack first."""
    standings = []
    rows = (
        WorkOrder.objects.filter(plant=plant)
        .filter(operations__status__in=[Operation.PLANNED, Operation.STARTED, Operation.BLOCKED])
        .distinct()
        .annotate(planned_end=Max("operations__planned_end"), first_start=Min("operations__planned_start"))
        .select_related("order")
    )
    for wo in rows:
        if wo.planned_end is None:
            continue
        minutes = int((wo.planned_end - wo.due_at).total_seconds() // 60)
        standings.append(OrderStanding(wo, wo.order.number, wo.due_at, wo.planned_end, max(0, minutes)))
    return sorted(standings, key=lambda s: (s.due - s.planned_end, s.work_order.pk))


def work_center_load(plant, start, end):
    """(work center, planned minutes, open minutes, percent) over [start, end)."""
    snap_clock = planning.Clock(start)
    days = max(1, (end - start).days)
    rows = []
    for center in WorkCenter.objects.filter(plant=plant).select_related("calendar"):
        calendar = center.calendar
        holidays = set(calendar.holidays.values_list("date", flat=True))
        spans = planning.open_spans(
            center, snap_clock, days - 1, list(calendar.shifts.all()), list(calendar.breaks.all()), holidays, []
        )
        total = end - start
        horizon = int(total.total_seconds() // 60)
        extra = center.overtimes.filter(start__lt=end, end__gt=start)
        spans = merge_windows([*spans, *planning.overtime_spans(snap_clock, extra, horizon)])
        open_minutes = sum(max(0, min(b, horizon) - max(a, 0)) for a, b in spans) * center.capacity
        planned = 0
        for op in Operation.objects.filter(work_center=center, planned_start__lt=end, planned_end__gt=start):
            planned += (min(op.planned_end, end) - max(op.planned_start, start)).total_seconds() / 60
        percent = round(100 * planned / open_minutes) if open_minutes else (100 if planned else 0)
        rows.append((center, int(planned), int(open_minutes), percent))
    return rows


def work_orders_starting_on(plant, day):
    """Work orders with an operation planned to start on `day`: the day's travelers."""
    start, end = window("day", day)
    return (
        WorkOrder.objects.filter(plant=plant, operations__planned_start__gte=start, operations__planned_start__lt=end)
        .distinct()
        .order_by("pk")
    )


def closed_spans(plant, start, end):
    """{work center pk: [(start, end)]} when each is closed in [start, end), for the Gantt's grey."""
    clock = planning.Clock(start)
    horizon = int((end - start).total_seconds() // 60)
    days = max(1, (end - start).days)
    result = {}
    for center in WorkCenter.objects.filter(plant=plant).select_related("calendar"):
        calendar = center.calendar
        holidays = set(calendar.holidays.values_list("date", flat=True))
        spans = planning.open_spans(
            center, clock, days, list(calendar.shifts.all()), list(calendar.breaks.all()), holidays, []
        )
        spans += planning.overtime_spans(clock, center.overtimes.filter(start__lt=end, end__gt=start), horizon)
        closed = [(clock.moment(a), clock.moment(b)) for a, b in closures_from_openings(spans, 0, horizon)]
        closed += [(d.start, d.end) for d in center.downtimes.filter(start__lt=end, end__gt=start)]
        result[center.pk] = closed
    return result


def recent_events(plant, limit=15):
    return ProductionEvent.objects.select_related("user", "work_order").order_by("-at", "-pk")[:limit]
