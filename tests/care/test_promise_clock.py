"""The promise clock stops while a ticket waits for the customer; its promises move on by the working time waited."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.utils import timezone

from care import services
from care.models import Author, EventKind, State, Ticket
from care.promise import WorkingHours, resume_after_pause
from care.services import StaleTicket
from care.services.sweep import sweep_promises
from tests.factories import CustomerFactory, StaffFactory
from tests.helpers import at_once

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
WEEK = WorkingHours(zone=LONDON)


def at(d, hh, mm=0):
    """A wall time in December 2026 on the shop's clock (Fri 4, Sat 5, Sun 6, Mon 7, Tue 8, Wed 9)."""
    return datetime(2026, 12, d, hh, mm, tzinfo=LONDON)


@pytest.fixture(autouse=True)
def _shop_calendar(settings):
    settings.TIME_ZONE = "Europe/London"
    settings.CARE_WORKING_HOURS = {"days": [0, 1, 2, 3, 4], "start": "09:00", "end": "17:00", "holidays": []}


@pytest.fixture
def agent():
    return StaffFactory()


def opened(topic, *, at_time, first_due, resolution_due):
    ticket = services.open_ticket(topic=topic, user=CustomerFactory(), subject="Help", body="b", now=at_time)[0]
    Ticket.objects.filter(pk=ticket.pk).update(first_response_due=first_due, resolution_due=resolution_due)
    ticket.refresh_from_db()
    return ticket


# The pure rule


def test_a_wait_over_a_weekend_outside_working_hours_moves_nothing():
    assert resume_after_pause(at(9, 12), at(4, 17, 30), at(7, 8, 30), WEEK) == (at(9, 12), 0.0)


def test_a_wait_across_a_weekend_counts_only_its_working_hours():
    # Friday 16:00 to Monday 10:00: one hour on Friday, one on Monday; Wed 16:00 + 2 h is Thursday 10:00.
    assert resume_after_pause(at(9, 16), at(4, 16), at(7, 10), WEEK) == (at(10, 10), 2.0)


def test_a_resumption_read_as_earlier_than_the_pause_takes_no_time_back():
    assert resume_after_pause(at(9, 12), at(8, 12), at(8, 11), WEEK) == (at(9, 12), 0.0)


# Through the services


def test_a_staff_answer_pauses_and_the_customers_reply_resumes_across_the_weekend(question_topic, agent):
    ticket = opened(question_topic, at_time=at(4, 10), first_due=at(8, 10), resolution_due=at(10, 10))

    services.reply(ticket=ticket, body="Which colour?", author_kind=Author.STAFF, author=agent, now=at(4, 16))
    ticket.refresh_from_db()
    assert (ticket.state, ticket.waiting_since) == (State.WAITING, at(4, 16))
    assert ticket.events.get(kind=EventKind.PAUSED).actor == agent

    services.reply(ticket=ticket, body="Green", author_kind=Author.CUSTOMER, author=ticket.user, now=at(7, 10))
    ticket.refresh_from_db()

    assert ticket.state == State.OPEN and ticket.waiting_since is None
    assert ticket.resolution_due == at(10, 12)  # two working hours waited: Friday 16–17, Monday 9–10
    assert ticket.first_response_due == at(8, 10)  # kept already by the answer: not moved
    resumed = ticket.events.get(kind=EventKind.RESUMED)
    assert (resumed.after, resumed.actor_kind) == ("waited 2.0 working h", Author.CUSTOMER)


def test_staff_moving_a_waiting_ticket_on_moves_both_promises_if_not_yet_answered(question_topic, agent):
    ticket = opened(question_topic, at_time=at(7, 9), first_due=at(8, 9), resolution_due=at(11, 9))
    services.change_state(ticket=ticket, to_state=State.WAITING, expected_state=State.NEW, actor=agent, now=at(7, 11))

    services.change_state(
        ticket=ticket, to_state=State.OPEN, expected_state=State.WAITING, actor=agent, now=at(7, 14, 30)
    )
    ticket.refresh_from_db()

    assert (ticket.first_response_due, ticket.resolution_due) == (at(8, 12, 30), at(11, 12, 30))
    assert ticket.waiting_since is None
    kinds = list(ticket.events.values_list("kind", flat=True))
    assert kinds[-4:] == [EventKind.STATE, EventKind.PAUSED, EventKind.STATE, EventKind.RESUMED]


def test_a_wait_entirely_outside_working_hours_moves_nothing_but_is_recorded(question_topic, agent):
    ticket = opened(question_topic, at_time=at(4, 10), first_due=at(7, 10), resolution_due=at(9, 10))
    services.change_state(ticket=ticket, to_state=State.WAITING, expected_state=State.NEW, actor=agent, now=at(4, 18))

    services.reply(ticket=ticket, body="Back", author_kind=Author.CUSTOMER, author=ticket.user, now=at(6, 20))
    ticket.refresh_from_db()

    assert (ticket.first_response_due, ticket.resolution_due) == (at(7, 10), at(9, 10))
    assert ticket.events.get(kind=EventKind.RESUMED).after == "waited 0.0 working h"


def test_a_double_submit_of_the_same_move_counts_the_wait_once(question_topic, agent):
    ticket = opened(question_topic, at_time=at(7, 9), first_due=at(8, 9), resolution_due=at(11, 9))
    services.change_state(ticket=ticket, to_state=State.WAITING, expected_state=State.NEW, actor=agent, now=at(7, 10))
    again = Ticket.objects.get(pk=ticket.pk)  # the same page, submitted twice

    services.change_state(ticket=ticket, to_state=State.OPEN, expected_state=State.WAITING, actor=agent, now=at(7, 12))
    with pytest.raises(StaleTicket):
        services.change_state(
            ticket=again, to_state=State.OPEN, expected_state=State.WAITING, actor=agent, now=at(7, 13)
        )

    ticket.refresh_from_db()
    assert ticket.resolution_due == at(11, 11)
    assert ticket.events.filter(kind=EventKind.RESUMED).count() == 1


def test_two_waits_add_up(question_topic, agent):
    ticket = opened(question_topic, at_time=at(7, 9), first_due=at(8, 9), resolution_due=at(11, 9))
    services.reply(ticket=ticket, body="Size?", author_kind=Author.STAFF, author=agent, now=at(7, 10))
    services.reply(ticket=ticket, body="Large", author_kind=Author.CUSTOMER, author=ticket.user, now=at(7, 12))
    services.reply(ticket=ticket, body="Colour?", author_kind=Author.STAFF, author=agent, now=at(7, 13))
    services.reply(ticket=ticket, body="Blue", author_kind=Author.CUSTOMER, author=ticket.user, now=at(7, 16))

    ticket.refresh_from_db()
    assert ticket.resolution_due == at(11, 14)  # 2 h + 3 h waited
    assert list(ticket.events.filter(kind=EventKind.RESUMED).values_list("after", flat=True)) == [
        "waited 2.0 working h",
        "waited 3.0 working h",
    ]


def test_resolving_a_waiting_ticket_ends_its_wait(question_topic, agent):
    ticket = opened(question_topic, at_time=at(7, 9), first_due=at(8, 9), resolution_due=at(11, 9))
    services.reply(ticket=ticket, body="Done?", author_kind=Author.STAFF, author=agent, now=at(7, 10))

    services.change_state(
        ticket=ticket, to_state=State.RESOLVED, expected_state=State.WAITING, actor=agent, now=at(7, 11)
    )
    ticket.refresh_from_db()

    assert ticket.waiting_since is None and ticket.resolution_due == at(11, 10)


# The sweep and the console


@pytest.fixture
def settled():
    """The demo's tickets are due relative to when the demo was built: out of the way."""
    Ticket.objects.update(state=State.CLOSED)


def test_the_sweep_neither_warns_nor_escalates_a_waiting_ticket(question_topic, agent, settled):
    now = timezone.now()
    overdue = opened(question_topic, at_time=now - timedelta(days=5), first_due=now - timedelta(hours=1),
                     resolution_due=now - timedelta(minutes=5))  # fmt: skip
    near = opened(question_topic, at_time=now - timedelta(days=5), first_due=now + timedelta(minutes=10),
                  resolution_due=now + timedelta(minutes=20))  # fmt: skip
    for ticket in (overdue, near):
        services.change_state(ticket=ticket, to_state=State.WAITING, expected_state=State.NEW, actor=agent)

    report = sweep_promises()

    assert (report.warned, report.escalated, report.failed) == (0, 0, 0)
    assert not Ticket.objects.filter(pk__in=[overdue.pk, near.pk], warned_at__isnull=False).exists()
    assert not Ticket.objects.filter(pk__in=[overdue.pk, near.pk], escalated_at__isnull=False).exists()


def test_the_console_shows_a_waiting_ticket_as_paused(login, question_topic, agent, settled):
    now = timezone.now()
    waiting = opened(question_topic, at_time=now - timedelta(days=5), first_due=now - timedelta(hours=3),
                     resolution_due=now + timedelta(days=2))  # fmt: skip
    services.change_state(ticket=waiting, to_state=State.WAITING, expected_state=State.NEW, actor=agent)
    overdue = opened(question_topic, at_time=now - timedelta(days=5), first_due=now - timedelta(hours=2),
                     resolution_due=now + timedelta(days=2))  # fmt: skip
    client = login("care@atelier.example")

    rows = client.get("/dashboard/care/").content.decode().split("<tr")
    waiting_row = next(row for row in rows if waiting.reference in row)
    overdue_row = next(row for row in rows if overdue.reference in row)
    assert "paused: waiting for the customer since" in waiting_row and "overdue by" not in waiting_row
    assert "overdue by" in overdue_row and "paused" not in overdue_row

    overdue_only = client.get("/dashboard/care/?due=overdue").content.decode()
    assert overdue.reference in overdue_only and waiting.reference not in overdue_only


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's row locks and real concurrency")
def test_four_agents_ending_one_wait_at_once_count_it_once(committed_demo_shop):
    from care.models import Topic

    agent = StaffFactory()
    ticket = opened(Topic.objects.get(slug="order-question"), at_time=at(7, 9), first_due=at(8, 9),
                    resolution_due=at(11, 9))  # fmt: skip
    services.change_state(ticket=ticket, to_state=State.WAITING, expected_state=State.NEW, actor=agent, now=at(7, 10))

    def resume(_):
        fresh = Ticket.objects.get(pk=ticket.pk)
        return services.change_state(
            ticket=fresh, to_state=State.OPEN, expected_state=State.WAITING, actor=agent, now=at(7, 12)
        )

    outcomes = at_once(resume, range(4))

    assert sorted(type(o).__name__ for o in outcomes) == ["StaleTicket"] * 3 + ["Ticket"], outcomes
    ticket.refresh_from_db()
    assert (ticket.state, ticket.waiting_since, ticket.resolution_due) == (State.OPEN, None, at(11, 11))
    assert ticket.events.filter(kind=EventKind.RESUMED).count() == 1


def test_a_waiting_tickets_page_says_its_clock_is_paused_not_how_long_is_left(login, question_topic, agent):
    ticket = services.open_ticket(topic=question_topic, user=CustomerFactory(), subject="Help", body="b")[0]
    client, url = login("care@atelier.example"), f"/dashboard/care/{ticket.reference}/"
    assert "working hours left on the next promise" in client.get(url).content.decode()

    services.change_state(ticket=ticket, to_state=State.WAITING, expected_state=State.NEW, actor=agent)
    html = client.get(url).content.decode()

    assert "the promise clock is paused while we wait for the customer" in html
    assert "working hours left on the next promise" not in html
