"""Overtime is open time of its work center: the plan may use it (downtime still closes it) and
the board's Gantt no longer greys it out."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from production import planning
from production.models import Downtime, Overtime, WorkCenter
from production.selectors.board import closed_spans, default_plant, work_center_load

pytestmark = pytest.mark.django_db


def _saturday_morning():
    today = timezone.localdate()
    saturday = today + timedelta(days=(5 - today.weekday()) % 7 or 7)
    zone = planning.plant_zone()
    return datetime.combine(saturday, datetime.min.time(), zone) + timedelta(hours=8)


def _machine(snap, code):
    return next(m for m in snap.problem.machines if m.id == code)


def _closed_at(machine, minute):
    return any(a <= minute < b for a, b in machine.unavailable)


def test_overtime_on_a_saturday_is_open_and_downtime_inside_it_stays_closed():
    plant = default_plant()
    cut = WorkCenter.objects.get(code="cut")
    start = _saturday_morning()
    before = planning.snapshot(plant)
    assert _closed_at(_machine(before, "cut"), before.clock.minute(start) + 30)

    Overtime.objects.create(work_center=cut, start=start, end=start + timedelta(hours=4))
    Downtime.objects.create(work_center=cut, start=start + timedelta(hours=1), end=start + timedelta(hours=2))
    snap = planning.snapshot(plant)

    machine, at = _machine(snap, "cut"), snap.clock.minute(start)
    assert not _closed_at(machine, at + 30)
    assert _closed_at(machine, at + 90)  # the downtime
    assert not _closed_at(machine, at + 150)
    assert _closed_at(machine, at + 4 * 60 + 1)  # after the overtime
    assert _closed_at(_machine(snap, "paint"), at + 30)  # only its own work center


def test_a_what_if_overtime_is_planned_without_being_saved():
    plant = default_plant()
    cut = WorkCenter.objects.get(code="cut")
    start = _saturday_morning()
    extra = Overtime(work_center=cut, start=start, end=start + timedelta(hours=4))

    snap = planning.snapshot(plant, changes=planning.Changes(overtimes=(extra,)))

    assert not _closed_at(_machine(snap, "cut"), snap.clock.minute(start) + 30)
    assert not Overtime.objects.exists()


def test_the_board_shows_overtime_as_open_and_counts_it_in_the_load():
    plant = default_plant()
    cut = WorkCenter.objects.get(code="cut")
    start = _saturday_morning()
    day_start, day_end = start - timedelta(hours=8), start + timedelta(hours=16)
    assert closed_spans(plant, day_start, day_end)[cut.pk] == [(day_start, day_end)]
    load_before = {c.code: opened for c, _, opened, _ in work_center_load(plant, day_start, day_end)}

    Overtime.objects.create(work_center=cut, start=start, end=start + timedelta(hours=3))

    assert closed_spans(plant, day_start, day_end)[cut.pk] == [
        (day_start, start),
        (start + timedelta(hours=3), day_end),
    ]
    load = {c.code: opened for c, _, opened, _ in work_center_load(plant, day_start, day_end)}
    assert load["cut"] == load_before["cut"] + 180
