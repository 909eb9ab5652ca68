"""Reads of the production app: order progress for shoppers, promise estimates, the board's figures."""

import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.cache import cache
from django.db.models import Max, Min, Q
from django.utils import timezone

from atelier.orders import UnreadableConfiguration, read_line_configuration
from configurator import services as configurator_services
from configurator.promise import add_working_days

from . import planning, routing
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


QUEUE_CACHE_SECONDS = 60  # promises are shown on every quote; the plan changes far less often


def routing_steps(template):
    """A routing template's steps as the pure routing module reads them."""
    return [
        routing.StepSpec(
            code=step.code,
            name=step.name,
            sequence=step.sequence,
            minutes=step.minutes,
            setup=step.setup,
            per_piece=step.per_piece,
            rules=tuple(step.rules or ()),
            work_center_ids=tuple(wc.pk for wc in step.work_centers.all()),
            after=tuple(before.code for before in step.after.all()),
        )
        for step in template.steps.prefetch_related("work_centers", "after")
    ]


def _route(family_slug):
    """(steps, {work center pk: (queued minutes, open minutes a day x capacity)}) for a family, or
    None when production does not make it. Cached briefly: it is read on every quote."""
    key = f"production:promise-route:{family_slug}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    template = RoutingTemplate.objects.filter(family_slug=family_slug).first()
    if template is None:
        return None
    steps = routing_steps(template)
    now = timezone.now()
    centers = {}
    for center in WorkCenter.objects.filter(routing_steps__routing=template).distinct():
        queued = 0.0
        for op in Operation.objects.filter(
            work_center=center, status__in=[Operation.PLANNED, Operation.STARTED], planned_end__gt=now
        ):
            queued += max(0.0, (op.planned_end - max(op.planned_start, now)).total_seconds() / 60)
        centers[center.pk] = (queued, _daily_open_minutes(center) * center.capacity)
    route = (steps, centers)
    cache.set(key, route, QUEUE_CACHE_SECONDS)
    return route


def _waiting_days(steps, centers, values, quantity):
    """Working days this configuration waits beyond its lead time: at each of its steps, the queue
    on the least loaded eligible work center plus the run length the lead time does not cover
    (a print run of 500 takes longer than the one piece the lead time is quoted for); the
    busiest step decides."""
    worst = 0.0
    for step in steps:
        extra = _step_minutes(step, values, quantity) - _step_minutes(step, values, 1)
        options = [
            (centers[pk][0] + extra) / centers[pk][1] for pk in step.work_center_ids if centers.get(pk, (0, 0))[1] > 0
        ]
        if options:
            worst = max(worst, min(options))
    return math.ceil(worst)


def _step_minutes(step, values, quantity):
    spec = routing.operation_for(step, values, quantity)
    return spec.minutes + spec.setup


def _daily_open_minutes(center):
    shifts = list(center.calendar.shifts.all())
    breaks = list(center.calendar.breaks.all())
    week = sum((datetime.combine(date.min, s.end) - datetime.combine(date.min, s.start)).seconds / 60 for s in shifts)
    pauses = sum((datetime.combine(date.min, b.end) - datetime.combine(date.min, b.start)).seconds / 60 for b in breaks)
    working_days = len({s.weekday for s in shifts})
    return max(0.0, week / 5 - pauses * working_days / 5)


DEFAULT_LEAD_DAYS = 10  # a line whose family is no longer published still gets a promise


def configuration_of(line):
    """(family slug, version, values) of a basket or order line made to order; None for stocked goods.

    A configuration that cannot be read is None as well: nothing can be made or promised from it."""
    try:
        return read_line_configuration(line)
    except UnreadableConfiguration:
        return None


def ship_date_for_lines(lines):
    """The ship date to promise for basket or order lines: the latest of their configured lines' estimates.

    None when no line is made to order.
    """
    dates = []
    for line in lines:
        parsed = configuration_of(line)
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


def capable_to_promise(*, family_slug, values, lead_days, start, quantity=1):
    """The configurator's promise provider: the configuration's lead time, plus the working days it
    would wait for the work centers its routing can use and for a longer run than the lead time
    covers (see `_waiting_days`).

    None (the configurator's own estimate) for a family production does not make.
    """
    route = _route(family_slug)
    if route is None:
        return None
    steps, centers = route
    return add_working_days(start, int(lead_days) + _waiting_days(steps, centers, values, quantity))


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
