"""Planners keep the calendars in the dashboard: shifts and breaks as formsets, holidays, overtime.

Every refusal says why and changes nothing; every change is recorded and re-plans the factory.
"""

from datetime import datetime, time, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from production import planning
from production.models import Calendar, Holiday, Operation, Overtime, ProductionEvent, WorkCenter
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def planner_client(login):
    return login("planner@atelier.example")


@pytest.fixture
def day_shift():
    return Calendar.objects.get(name="Day shift")


def calendar_url(calendar):
    return reverse("production:factory-calendar", args=[calendar.pk])


def hours_form(calendar, shifts, breaks):
    """The calendar page's POST: every existing row deleted, then `shifts` and `breaks` as new rows."""
    data = {}
    existing_shifts, existing_breaks = list(calendar.shifts.all()), list(calendar.breaks.all())
    rows = [{"id": s.pk, "weekday": s.weekday, "start": s.start, "end": s.end, "DELETE": "on"} for s in existing_shifts]
    rows += [{"weekday": d, "start": s, "end": e} for d, s, e in shifts]
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"shifts-{i}-{key}"] = value.strftime("%H:%M") if isinstance(value, time) else value
    data.update({"shifts-TOTAL_FORMS": len(rows), "shifts-INITIAL_FORMS": len(existing_shifts)})
    rows = [{"id": b.pk, "start": b.start, "end": b.end, "DELETE": "on"} for b in existing_breaks]
    rows += [{"start": s, "end": e} for s, e in breaks]
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"breaks-{i}-{key}"] = value.strftime("%H:%M") if isinstance(value, time) else value
    data.update({"breaks-TOTAL_FORMS": len(rows), "breaks-INITIAL_FORMS": len(existing_breaks)})
    return data


def hours_of(calendar):
    return (
        sorted(calendar.shifts.values_list("weekday", "start", "end")),
        sorted(calendar.breaks.values_list("start", "end")),
    )


def local_day(moment):
    return moment.astimezone(planning.plant_zone()).date()


# --- Who may use it --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("email", "expected"),
    [("planner@atelier.example", 200), ("admin@atelier.example", 200), ("editor@atelier.example", 403)],
)
def test_the_factory_pages_are_for_planners_only(login, day_shift, email, expected):
    client = login(email)

    assert client.get(reverse("production:factory")).status_code == expected
    assert client.get(calendar_url(day_shift)).status_code == expected


def test_customers_get_403_and_visitors_are_sent_to_sign_in(client, day_shift):
    assert client.get(calendar_url(day_shift)).status_code == 302
    assert client.get(calendar_url(day_shift))["Location"].startswith("/accounts/login/")
    client.force_login(CustomerFactory())
    assert client.get(calendar_url(day_shift)).status_code == 403


def test_other_staff_cannot_add_a_holiday(login, day_shift):
    response = login("editor@atelier.example").post(
        reverse("production:factory-add-holiday", args=[day_shift.pk]), {"date": "2027-03-03"}
    )

    assert response.status_code == 403
    assert not Holiday.objects.filter(date="2027-03-03").exists()


def test_a_post_without_the_csrf_token_is_refused(django_user_model, day_shift):
    client = Client(enforce_csrf_checks=True)
    client.force_login(django_user_model.objects.get(email="planner@atelier.example"))

    response = client.post(reverse("production:factory-add-holiday", args=[day_shift.pk]), {"date": "2027-03-03"})

    assert response.status_code == 403
    assert not Holiday.objects.filter(date="2027-03-03").exists()


# --- Shifts and breaks -----------------------------------------------------------------------


def test_the_page_shows_the_calendars_shifts_breaks_and_holidays(planner_client, day_shift):
    html = planner_client.get(calendar_url(day_shift)).content.decode()

    assert 'name="shifts-0-start" value="07:00"' in html
    assert 'name="breaks-0-start" value="11:30"' in html
    assert "Fri 25 Dec 2026" in html and "Christmas Day" in html
    assert "CNC cutting" in html


def test_a_planner_saves_a_saturday_shift_and_the_factory_is_replanned(planner_client, day_shift):
    shifts = [(d, time(7), time(15, 30)) for d in range(5)] + [(5, time(8), time(12))]

    response = planner_client.post(
        calendar_url(day_shift), hours_form(day_shift, shifts, [(time(11, 30), time(12))]), follow=True
    )

    assert hours_of(day_shift) == (sorted(shifts), [(time(11, 30), time(12))])
    html = response.content.decode()
    assert "Day shift&#x27;s hours saved. Re-planned — Sheffield workshop:" in html
    event = ProductionEvent.objects.get(kind="calendar")
    assert (
        event.description == "Day shift: 6 shifts, 1 breaks, 43.5 open hours a week, by " + event.user.get_full_name()
    )


def test_overlapping_shifts_on_one_day_are_refused_and_nothing_changes(planner_client, day_shift):
    before = hours_of(day_shift)
    shifts = [(0, time(7), time(15, 30)), (0, time(15), time(20))]

    response = planner_client.post(calendar_url(day_shift), hours_form(day_shift, shifts, []))

    assert response.status_code == 400
    assert "Monday&#x27;s shifts 07:00–15:30 and 15:00–20:00 overlap." in response.content.decode()
    assert hours_of(day_shift) == before
    assert not ProductionEvent.objects.filter(kind="calendar").exists()


def test_a_shift_that_ends_before_it_starts_is_refused(planner_client, day_shift):
    before = hours_of(day_shift)

    response = planner_client.post(calendar_url(day_shift), hours_form(day_shift, [(0, time(15), time(7))], []))

    assert response.status_code == 400
    assert "A shift ends after it starts (split a night shift in two)." in response.content.decode()
    assert hours_of(day_shift) == before


@pytest.mark.parametrize(
    ("shifts", "breaks"),
    [
        ([], []),  # every shift removed
        ([(0, time(8), time(9))], [(time(7, 30), time(9, 30))]),  # a break that covers the only shift
    ],
)
def test_a_calendar_with_no_open_time_is_refused(planner_client, day_shift, shifts, breaks):
    before = hours_of(day_shift)

    response = planner_client.post(calendar_url(day_shift), hours_form(day_shift, shifts, breaks))

    assert response.status_code == 400
    assert (
        "Nothing was changed: Day shift would have no open time: give it at least one shift longer than its breaks."
        in response.content.decode()
    )
    assert hours_of(day_shift) == before


def test_overlapping_breaks_are_refused(planner_client, day_shift):
    before = hours_of(day_shift)
    form = hours_form(day_shift, [(0, time(7), time(15))], [(time(10), time(11)), (time(10, 30), time(12))])

    response = planner_client.post(calendar_url(day_shift), form)

    assert response.status_code == 400
    assert "The breaks 10:00–11:00 and 10:30–12:00 overlap." in response.content.decode()
    assert hours_of(day_shift) == before


# --- Holidays --------------------------------------------------------------------------------


def first_planned_day(calendar):
    """The first day after today on which an operation is planned on the calendar's centers."""
    tomorrow = timezone.localdate() + timedelta(days=1)
    start = datetime.combine(tomorrow, time(0), planning.plant_zone())
    op = (
        Operation.objects.filter(work_center__calendar=calendar, status=Operation.PLANNED, planned_start__gte=start)
        .order_by("planned_start")
        .first()
    )
    return local_day(op.planned_start)


def operations_on(calendar, day):
    start = datetime.combine(day, time(0), planning.plant_zone())
    return Operation.objects.filter(
        work_center__calendar=calendar, planned_start__lt=start + timedelta(days=1), planned_end__gt=start
    )


def test_a_holiday_moves_the_planned_work_off_that_day(planner_client, day_shift):
    day = first_planned_day(day_shift)
    assert operations_on(day_shift, day).exists()

    response = planner_client.post(
        reverse("production:factory-add-holiday", args=[day_shift.pk]),
        {"date": day.isoformat(), "name": "Stocktake"},
        follow=True,
    )

    assert Holiday.objects.filter(calendar=day_shift, date=day, name="Stocktake").exists()
    assert not operations_on(day_shift, day).exists()
    html = response.content.decode()
    assert f"Day shift is closed on {day:%a %d %b %Y}; its planned work moves to open days. Re-planned" in html
    assert ProductionEvent.objects.filter(kind="holiday", description__startswith="Day shift closed on").count() == 1


def test_a_second_holiday_on_the_same_date_is_refused(planner_client, day_shift):
    url = reverse("production:factory-add-holiday", args=[day_shift.pk])

    response = planner_client.post(url, {"date": "2026-12-25", "name": "Again"})

    assert response.status_code == 400
    assert (
        "Nothing was changed: Fri 25 Dec 2026 is already a holiday on Day shift (Christmas Day)."
        in response.content.decode()
    )
    assert Holiday.objects.filter(calendar=day_shift, date="2026-12-25").count() == 1


def test_a_holiday_across_a_running_operation_is_refused(planner_client, day_shift):
    op = Operation.objects.filter(work_center__calendar=day_shift, status=Operation.PLANNED).order_by("planned_start")[
        0
    ]
    started = timezone.now() - timedelta(hours=1)
    Operation.objects.filter(pk=op.pk).update(
        status=Operation.STARTED, actual_start=started, planned_end=started + timedelta(hours=3)
    )
    day = timezone.localdate()

    response = planner_client.post(
        reverse("production:factory-add-holiday", args=[day_shift.pk]), {"date": day.isoformat()}
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert (
        f"Nothing was changed: {day:%a %d %b %Y} cannot be a holiday on Day shift: {op} on {op.work_center} (started)"
        in html
    )
    assert "Finish or unfreeze first." in html
    assert not Holiday.objects.filter(calendar=day_shift, date=day).exists()


def test_a_holiday_on_a_frozen_operations_day_is_refused(planner_client, day_shift):
    day = first_planned_day(day_shift)
    op = operations_on(day_shift, day).first()
    op.work_order.__class__.objects.filter(pk=op.work_order_id).update(frozen=True)

    response = planner_client.post(
        reverse("production:factory-add-holiday", args=[day_shift.pk]), {"date": day.isoformat()}
    )

    assert response.status_code == 400
    assert "(planned, frozen)" in response.content.decode()
    assert not Holiday.objects.filter(calendar=day_shift, date=day).exists()


def test_a_holiday_without_a_date_is_refused(planner_client, day_shift):
    holidays = Holiday.objects.count()

    response = planner_client.post(reverse("production:factory-add-holiday", args=[day_shift.pk]), {"date": "soon"})

    assert response.status_code == 400
    assert "Nothing was changed: give the holiday&#x27;s date." in response.content.decode()
    assert Holiday.objects.count() == holidays


def test_a_planner_removes_a_holiday(planner_client, day_shift):
    holiday = Holiday.objects.get(calendar=day_shift, date="2026-12-25")

    response = planner_client.post(
        reverse("production:factory-remove-holiday", args=[day_shift.pk, holiday.pk]), follow=True
    )

    assert not Holiday.objects.filter(pk=holiday.pk).exists()
    assert "Day shift is open again on Fri 25 Dec 2026." in response.content.decode()


# --- Overtime --------------------------------------------------------------------------------


def overtime_post(client, calendar, center, start, end):
    return client.post(
        reverse("production:factory-add-overtime", args=[calendar.pk]),
        {"work_center": center.pk, "start": start, "end": end, "reason": "catch up"},
        follow=True,
    )


def test_a_planner_adds_and_removes_overtime(planner_client, day_shift):
    cutting = WorkCenter.objects.get(code="cut")

    response = overtime_post(planner_client, day_shift, cutting, "2027-01-09T08:00", "2027-01-09T12:00")

    overtime = Overtime.objects.get(work_center=cutting)
    assert overtime.start == datetime(2027, 1, 9, 8, tzinfo=planning.plant_zone())
    assert overtime.created_by.email == "planner@atelier.example"
    assert "Overtime added on CNC cutting. Re-planned" in response.content.decode()

    planner_client.post(reverse("production:factory-remove-overtime", args=[day_shift.pk, overtime.pk]))
    assert not Overtime.objects.exists()


def test_overtime_that_ends_before_it_starts_is_refused(planner_client, day_shift):
    response = overtime_post(
        planner_client, day_shift, WorkCenter.objects.get(code="cut"), "2027-01-09T12:00", "2027-01-09T08:00"
    )

    assert response.status_code == 400
    assert "Overtime ends after it starts." in response.content.decode()
    assert not Overtime.objects.exists()


def test_overlapping_overtime_on_a_center_is_refused(planner_client, day_shift):
    cutting = WorkCenter.objects.get(code="cut")
    overtime_post(planner_client, day_shift, cutting, "2027-01-09T08:00", "2027-01-09T12:00")

    response = overtime_post(planner_client, day_shift, cutting, "2027-01-09T11:00", "2027-01-09T13:00")

    assert response.status_code == 400
    assert (
        "Nothing was changed: CNC cutting already has overtime Sat 09 Jan 08:00–12:00 across that time"
        in response.content.decode()
    )
    assert Overtime.objects.count() == 1


def test_overtime_on_a_center_of_another_calendar_is_refused(planner_client, day_shift):
    printer = WorkCenter.objects.get(code="print-1")  # on "Two shifts"

    response = overtime_post(planner_client, day_shift, printer, "2027-01-09T08:00", "2027-01-09T12:00")

    assert response.status_code == 400
    assert not Overtime.objects.exists()
