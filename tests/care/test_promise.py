"""The working-hours promise: what "24 working hours" means on the shop's clock."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from care.promise import WorkingHours, add_working_hours, working_hours_between

LONDON = ZoneInfo("Europe/London")
WEEK = WorkingHours(zone=LONDON)


def at(y, m, d, hh, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=LONDON)


def test_friday_afternoon_with_24_working_hours_is_due_on_wednesday_afternoon():
    # Fri 4 Dec 2026 16:00: 1 h Friday, 8 Monday, 8 Tuesday, 7 Wednesday.
    assert add_working_hours(at(2026, 12, 4, 16), 24, WEEK) == at(2026, 12, 9, 16)


def test_opened_at_night_the_clock_starts_at_the_next_opening():
    assert add_working_hours(at(2026, 12, 7, 22), 2, WEEK) == at(2026, 12, 8, 11)
    assert add_working_hours(at(2026, 12, 8, 6), 2, WEEK) == at(2026, 12, 8, 11)


def test_opened_on_a_sunday_counts_from_monday_morning():
    assert add_working_hours(at(2026, 12, 6, 12), 8, WEEK) == at(2026, 12, 7, 17)


def test_a_promise_ending_at_closing_time_is_due_at_the_close_not_the_next_morning():
    assert add_working_hours(at(2026, 12, 7, 9), 8, WEEK) == at(2026, 12, 7, 17)


def test_zero_hours_is_now():
    assert add_working_hours(at(2026, 12, 5, 3), 0, WEEK) == at(2026, 12, 5, 3)


def test_holidays_do_not_count():
    christmas = WorkingHours(zone=LONDON, holidays=frozenset({date(2026, 12, 25), date(2026, 12, 28)}))
    # Thu 24 Dec 16:00 + 2 h: 1 h Thursday; Fri 25 and Mon 28 off; 1 h on Tuesday 29.
    assert add_working_hours(at(2026, 12, 24, 16), 2, christmas) == at(2026, 12, 29, 10)


def test_the_calendar_is_configurable():
    six_days = WorkingHours(zone=LONDON, days=frozenset(range(6)), start=time(8), end=time(12, 30))
    # Half an hour on Friday, four and a half on Saturday (a working day here), then Monday.
    assert add_working_hours(at(2026, 12, 4, 12), 5, six_days) == at(2026, 12, 5, 12, 30)
    assert add_working_hours(at(2026, 12, 4, 12), 5.5, six_days) == at(2026, 12, 7, 8, 30)


def test_hours_keep_to_the_shop_clock_across_a_dst_change():
    # Clocks go forward on Sunday 29 March 2026; Friday 16:00 + 2 h is Monday 10:00 local time.
    due = add_working_hours(at(2026, 3, 27, 16), 2, WEEK)
    assert due == at(2026, 3, 30, 10)
    assert due.utcoffset().total_seconds() == 3600


def test_a_start_in_another_zone_is_read_on_the_shop_clock():
    start = datetime(2026, 12, 4, 16, tzinfo=ZoneInfo("UTC"))  # 16:00 in London in winter
    assert add_working_hours(start, 24, WEEK) == at(2026, 12, 9, 16)


def test_working_hours_between_counts_only_windows_and_is_signed():
    assert working_hours_between(at(2026, 12, 4, 16), at(2026, 12, 9, 16), WEEK) == 24
    assert working_hours_between(at(2026, 12, 9, 16), at(2026, 12, 4, 16), WEEK) == -24
    assert working_hours_between(at(2026, 12, 5, 10), at(2026, 12, 6, 18), WEEK) == 0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"start": time(17), "end": time(9)}, "end after it starts"),
        ({"days": frozenset()}, "at least one"),
        ({"days": frozenset({7})}, "weekday numbers"),
    ],
)
def test_a_calendar_without_working_time_is_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        WorkingHours(zone=LONDON, **kwargs)


def test_naive_or_negative_input_is_refused():
    with pytest.raises(ValueError, match="aware"):
        add_working_hours(datetime(2026, 12, 4, 16), 1, WEEK)
    with pytest.raises(ValueError, match="negative"):
        add_working_hours(at(2026, 12, 4, 16), -1, WEEK)
