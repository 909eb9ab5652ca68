"""The response promise in working hours: pure Python, no Django, so it is tested and reasoned about alone.

A promise of 24 working hours made on a Friday at 16:00 (Monday to Friday, 09:00–17:00) is
kept by the following Wednesday at 16:00: one hour on Friday, eight on Monday, eight on
Tuesday, seven on Wednesday. Time outside the working windows (nights, weekends, holidays)
does not count. Wall times are read in the shop's time zone, so a window is 09:00–17:00 on the
clock in the workshop whatever the season; a DST change at night leaves every window whole.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# Far enough for any promise a shop would make; reached only by a calendar with no working day.
SEARCH_DAYS = 3660


@dataclass(frozen=True)
class WorkingHours:
    """When the promise clock runs: `days` (0 = Monday) from `start` to `end`, except `holidays`."""

    zone: ZoneInfo
    days: frozenset = frozenset(range(5))
    start: time = time(9)
    end: time = time(17)
    holidays: frozenset = field(default_factory=frozenset)

    def __post_init__(self):
        if self.end <= self.start:
            raise ValueError("a working day must end after it starts")
        if not self.days or not self.days <= set(range(7)):
            raise ValueError("working days are weekday numbers, 0 (Monday) to 6 (Sunday), at least one")

    def window(self, day: date):
        """The working window of `day` as aware datetimes, or None for a day off."""
        if day.weekday() not in self.days or day in self.holidays:
            return None
        return (
            datetime.combine(day, self.start, tzinfo=self.zone),
            datetime.combine(day, self.end, tzinfo=self.zone),
        )


def add_working_hours(start: datetime, hours: float, calendar: WorkingHours) -> datetime:
    """The moment `hours` working hours after `start` (aware), in the calendar's zone.

    Started outside working time, the clock waits for the next window. A promise that ends
    exactly when a window closes is due at the close, not at the next opening.
    """
    if start.tzinfo is None:
        raise ValueError("start must be an aware datetime")
    if hours < 0:
        raise ValueError("hours must not be negative")
    remaining = timedelta(hours=hours)
    cursor = start.astimezone(calendar.zone)
    if not remaining:
        return cursor
    day = cursor.date()
    for _ in range(SEARCH_DAYS):
        window = calendar.window(day)
        if window is not None:
            opens, closes = window
            begin = max(cursor, opens)
            if begin < closes:
                # Differences of aware datetimes in UTC: exact even on a day the clocks change.
                available = closes.astimezone(UTC) - begin.astimezone(UTC)
                if remaining <= available:
                    return (begin.astimezone(UTC) + remaining).astimezone(calendar.zone)
                remaining -= available
        day += timedelta(days=1)
    raise ValueError("the working calendar has no working time within ten years")


def working_hours_between(start: datetime, end: datetime, calendar: WorkingHours) -> float:
    """Working hours from `start` to `end` (negative when `end` is earlier): how long a promise has left."""
    if end < start:
        return -working_hours_between(end, start, calendar)
    total = timedelta()
    day = start.astimezone(calendar.zone).date()
    last = end.astimezone(calendar.zone).date()
    while day <= last:
        window = calendar.window(day)
        if window is not None:
            begin, finish = max(start, window[0]), min(end, window[1])
            if begin < finish:
                total += finish.astimezone(UTC) - begin.astimezone(UTC)
        day += timedelta(days=1)
    return total.total_seconds() / 3600


def resume_after_pause(due: datetime, paused_at: datetime, resumed_at: datetime, calendar: WorkingHours):
    """`due` moved on by the working time between `paused_at` and `resumed_at`; returns (new due, hours).

    The promise clock stops while a ticket waits for the customer: a wait over a night or a
    weekend costs no working time and leaves `due` where it was. A resumption that reads as
    earlier than the pause (clocks of two machines) counts as no wait, never as time taken back.
    """
    hours = max(0.0, working_hours_between(paused_at, resumed_at, calendar))
    if not hours:
        return due, 0.0
    return add_working_hours(due, hours, calendar), hours
