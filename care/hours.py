"""The shop's working calendar for promises, from CARE_WORKING_HOURS and TIME_ZONE."""

from datetime import UTC, date, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from .promise import WorkingHours, add_working_hours, resume_after_pause, working_hours_between


def shop_hours():
    config = settings.CARE_WORKING_HOURS
    return WorkingHours(
        zone=ZoneInfo(settings.TIME_ZONE),
        days=frozenset(int(day) for day in config.get("days", range(5))),
        start=time.fromisoformat(config.get("start", "09:00")),
        end=time.fromisoformat(config.get("end", "17:00")),
        holidays=frozenset(date.fromisoformat(str(day)) for day in config.get("holidays", ())),
    )


def due_after(start, hours):
    """`hours` working hours after `start`, in UTC as the database keeps it."""
    return add_working_hours(start, hours, shop_hours()).astimezone(UTC)


def working_hours_left(due, now=None):
    return working_hours_between(now or timezone.now(), due, shop_hours())


def resumed_due(due, paused_at, resumed_at):
    """`due` moved on by the working hours a ticket waited (see promise.resume_after_pause), in UTC."""
    moved, hours = resume_after_pause(due, paused_at, resumed_at, shop_hours())
    return moved.astimezone(UTC), hours
