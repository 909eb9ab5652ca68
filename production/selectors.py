"""Reads of the production app: order progress for shoppers, promise estimates, the board's figures."""

import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.cache import cache
from django.db.models import Max, Min, Q
from django.utils import timezone

from configurator import services as configurator_services
from configurator.promise import add_working_days
from configurator.selectors import LINE_OPTION_CODE

from . import planning
from .models import Operation, PlanRun, ProductionEvent, PromisedDate, RoutingTemplate, WorkCenter, WorkOrder

WAITING, SCHEDULED, IN_PRODUCTION, FINISHED = "waiting", "scheduled", "in_production", "finished"
STAGE_LABELS = {
    WAITING: "Waiting for production",
    SCHEDULED: "Scheduled",
    IN_PRODUCTION: "In production",
    FINISHED: "Made, ready to ship",
}


@dataclass(frozen=True)
class OrderProgress:
    """Where a customer's order stands in the workshop. Labels name no staff."""

    stage: str
    promised_ship_date: date | None
    planned_ship_date: date | None
    events: list = field(default_factory=list)  # [(timestamp, label)], oldest first

    @property
    def stage_label(self):
        return STAGE_LABELS[self.stage]

    @property
    def is_late(self):
        return bool(
            self.promised_ship_date and self.planned_ship_date and self.planned_ship_date > self.promised_ship_date
        )


def order_progress(*, order_id) -> OrderProgress:
    """The production side of an order's timeline (the caller has checked the order is the shopper's)."""
    operations = Operation.objects.filter(work_order__order_id=order_id)
    statuses = set(operations.values_list("status", flat=True))
    if not statuses:
        stage = WAITING
    elif statuses == {Operation.FINISHED}:
        stage = FINISHED
    elif statuses & {Operation.STARTED, Operation.FINISHED}:
        stage = IN_PRODUCTION
    elif operations.filter(planned_end__isnull=False).exists():
        stage = SCHEDULED
    else:
        stage = WAITING
    promised = PromisedDate.objects.filter(order_id=order_id).values_list("ship_date", flat=True).first()
    ends = operations.aggregate(planned=Max("planned_end"), actual=Max("actual_end"))
    last = ends["actual"] if stage == FINISHED else ends["planned"]
    planned = timezone.localtime(last).date() if last else None
    events = [
        (event.at, event.customer_label)
        for event in ProductionEvent.objects.filter(order_id=order_id).exclude(customer_label="")
    ]
    return OrderProgress(stage=stage, promised_ship_date=promised, planned_ship_date=planned, events=events)


# --- Capable-to-promise ----------------------------------------------------------------------


def _queue_days(family_slug):
    """Working days of planned, unfinished work queued on the family's work centers."""
    key = f"production:queue-days:{family_slug}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    template = RoutingTemplate.objects.filter(family_slug=family_slug).first()
    if template is None:
        return None
    centers = list(WorkCenter.objects.filter(routing_steps__routing=template).distinct())
    worst = 0.0
    now = timezone.now()
    for center in centers:
        daily = _daily_open_minutes(center) * center.capacity
        if daily <= 0:
            continue
        queued = 0
        for op in Operation.objects.filter(
            work_center=center, status__in=[Operation.PLANNED, Operation.STARTED], planned_end__gt=now
        ):
            start = max(op.planned_start, now)
            queued += max(0, (op.planned_end - start).total_seconds() / 60)
        worst = max(worst, queued / daily)
    days = math.ceil(worst)
    cache.set(key, days, 60)
    return days


def _daily_open_minutes(center):
    shifts = list(center.calendar.shifts.all())
    breaks = list(center.calendar.breaks.all())
    week = sum((datetime.combine(date.min, s.end) - datetime.combine(date.min, s.start)).seconds / 60 for s in shifts)
    pauses = sum((datetime.combine(date.min, b.end) - datetime.combine(date.min, b.start)).seconds / 60 for b in breaks)
    working_days = len({s.weekday for s in shifts})
    return max(0.0, week / 5 - pauses * working_days / 5)


DEFAULT_LEAD_DAYS = 10  # a line whose family is no longer published still gets a promise


def configuration_of(line):
    """((family slug, version, values), raw text) of a basket or order line; (None, None) if not configured."""
    for attribute in line.attributes.all():
        if attribute.option and attribute.option.code == LINE_OPTION_CODE:
            try:
                return configurator_services.parse_line_attribute(attribute.value), attribute.value
            except (KeyError, TypeError, ValueError):
                return None, None
    return None, None


def ship_date_for_lines(lines):
    """The ship date to promise for basket or order lines: the latest of their configured lines' estimates.

    None when no line is made to order.
    """
    dates = []
    for line in lines:
        parsed, _raw = configuration_of(line)
        if parsed is None:
            continue
        family_slug, _version, values = parsed
        try:
            configuration = configurator_services.configure(
                family_slug=family_slug, values=values, quantity=line.quantity
            )
        except Exception:  # noqa: BLE001 -- an unpublished family still gets a promise
            configuration = None
        if configuration is not None and configuration.ship_date:
            dates.append(configuration.ship_date)
        else:
            dates.append(add_working_days(timezone.localdate(), DEFAULT_LEAD_DAYS))
    return max(dates) if dates else None


def capable_to_promise(*, family_slug, values, lead_days, start):
    """The configurator's promise provider: the queue on this family's work centers, then its lead time.

    None (the configurator's own estimate) for a family production does not make.
    """
    queue = _queue_days(family_slug)
    if queue is None:
        return None
    return add_working_days(start, int(lead_days) + queue)


# --- The planner's board ---------------------------------------------------------------------


def board_plant():
    from .services import default_plant

    return default_plant()


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
        open_minutes = sum(max(0, min(b, horizon) - max(a, 0)) for a, b in spans) * center.capacity
        planned = 0
        for op in Operation.objects.filter(work_center=center, planned_start__lt=end, planned_end__gt=start):
            planned += (min(op.planned_end, end) - max(op.planned_start, start)).total_seconds() / 60
        percent = round(100 * planned / open_minutes) if open_minutes else (100 if planned else 0)
        rows.append((center, int(planned), int(open_minutes), percent))
    return rows


def day_operations(plant, day):
    """Operations planned to start on `day`, for the day's travelers."""
    start, end = window("day", day)
    return (
        WorkOrder.objects.filter(plant=plant, operations__planned_start__gte=start, operations__planned_start__lt=end)
        .distinct()
        .order_by("pk")
    )


def closed_spans(plant, start, end):
    """{work center pk: [(start, end)]} when each is closed in [start, end), for the Gantt's grey."""
    from .scheduling import closures_from_openings

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
        closed = [(clock.moment(a), clock.moment(b)) for a, b in closures_from_openings(spans, 0, horizon)]
        closed += [(d.start, d.end) for d in center.downtimes.filter(start__lt=end, end__gt=start)]
        result[center.pk] = closed
    return result


def recent_events(plant, limit=15):
    return ProductionEvent.objects.select_related("user", "work_order").order_by("-at", "-pk")[:limit]
