"""Capable-to-promise: the ship date to promise for a configuration, basket lines or an order.

The configurator asks `capable_to_promise` on every quote (the portal registers it with
`configurator.promise`); the checkout asks `ship_date_for_lines`; a release stores
`promise_for_order` once, at payment, as the work orders' due time.
"""

import math
import time
from datetime import date, datetime

from django.conf import settings
from django.core.cache import cache, caches
from django.utils import timezone

from configurator.promise import add_working_days
from configurator.quoting import configure

from .. import routing
from ..models import Operation, RoutingTemplate, WorkCenter
from .release import configuration_of, routing_steps

QUEUE_CACHE_SECONDS = 60  # promises are shown on every quote; the plan changes far less often
SHARED_CACHE = "storefront"  # the cache every worker shares (portal/settings: a folder here, Redis in production)
DEFAULT_LEAD_DAYS = 10  # a line whose family is no longer published still gets a promise


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
        dates.append(_configured_ship_date(family_slug, values, line.quantity))
    return max(dates) if dates else None


def _configured_ship_date(family_slug, values, quantity):
    try:
        configuration = configure(family_slug=family_slug, values=values, quantity=quantity)
    except Exception:  # noqa: BLE001 -- an unpublished family still gets a promise
        configuration = None
    if configuration is not None and configuration.ship_date:
        return configuration.ship_date
    return add_working_days(timezone.localdate(), DEFAULT_LEAD_DAYS)


def promise_for_order(order):
    """The ship date to promise for an order: the latest of its configured lines' estimates."""
    return ship_date_for_lines(order.lines.all())


REPAIR_LEAD_DAYS = 2  # a returned piece is mended and inspected, not made again


def promise_for_remake(*, family_slug, values, quantity, steps=None):
    """The ship date to promise for a remake (the whole routing, as a new order of the same
    configuration would be promised) or a repair (`steps`: only the routing steps it runs,
    REPAIR_LEAD_DAYS plus the queue at their work centers). From today, on the plan as it stands."""
    if steps is None:
        return _configured_ship_date(family_slug, values, quantity)
    route = _route(family_slug)
    centers = route[1] if route else {}
    return add_working_days(timezone.localdate(), REPAIR_LEAD_DAYS + _waiting_days(steps, centers, values, quantity))


def _route(family_slug):
    """(steps, {work center pk: (queued minutes, open minutes a day x capacity)}) for a family, or
    None when production does not make it. Read on every quote, so kept for QUEUE_CACHE_SECONDS:
    computed once for every worker (in the cache they share, Redis in production, a folder in the
    embedded profile), and copied into this process's own cache until the same moment, so a quote
    reads neither the database nor the shared cache while it lasts."""
    key = f"production:promise-route:{family_slug}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    shared = _shared_cache()
    entry = shared.get(key)
    now = time.time()
    if entry is None or entry[0] <= now:
        route = _read_route(family_slug)
        if route is None:
            return None  # not made here (yet): asked again next time, as a routing may be added
        entry = (now + QUEUE_CACHE_SECONDS, route)
        shared.set(key, entry, QUEUE_CACHE_SECONDS)
    expires, route = entry
    cache.set(key, route, max(1, round(expires - now)))
    return route


def _shared_cache():
    return caches[SHARED_CACHE] if SHARED_CACHE in settings.CACHES else cache


def _read_route(family_slug):
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
    return (steps, centers)


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
