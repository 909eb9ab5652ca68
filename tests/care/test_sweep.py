"""The beat sweep: the queue is warned before a promise breaks, the ticket escalated once after; never twice."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from oscar.core.loading import get_model

from care import services, tasks
from care.models import Author, EventKind, State, Ticket, TicketEvent
from care.services import sweep
from care.services.sweep import sweep_promises
from tests.factories import CustomerFactory, StaffFactory

pytestmark = pytest.mark.django_db

Notification = get_model("communication", "Notification")


@pytest.fixture(autouse=True)
def _demo_tickets_settled():
    """The demo's tickets are due relative to when the demo was built: out of the way, so counts are this test's."""
    Ticket.objects.update(state=State.CLOSED)


@pytest.fixture
def agent(question_topic):
    member = StaffFactory()
    member.groups.add(question_topic.queue)
    return member


def opened(topic, *, due_in):
    ticket = services.open_ticket(topic=topic, user=CustomerFactory(), subject="Help", body="b")[0]
    Ticket.objects.filter(pk=ticket.pk).update(first_response_due=timezone.now() + due_in)
    ticket.refresh_from_db()
    return ticket


def test_a_promise_near_breach_is_warned_once_to_the_queue(question_topic, agent):
    near = opened(question_topic, due_in=timedelta(minutes=30))
    later = opened(question_topic, due_in=timedelta(hours=5))

    first, second = sweep_promises(), sweep_promises()

    assert (first.warned, second.warned) == (1, 0)
    assert list(near.events.filter(kind=EventKind.WARNED).values_list("actor_kind", flat=True)) == ["system"]
    assert not later.events.filter(kind=EventKind.WARNED).exists()
    assert Notification.objects.filter(recipient=agent, subject__startswith=near.reference).count() == 1


def test_an_overdue_ticket_is_escalated_once_and_nothing_is_forgotten(question_topic):
    overdue = opened(question_topic, due_in=-timedelta(minutes=1))

    first, second = sweep_promises(), sweep_promises()

    assert (first.escalated, second.escalated) == (1, 0)
    overdue.refresh_from_db()
    assert overdue.queue == Group.objects.get(name="Experts")
    escalation = overdue.events.get(kind=EventKind.ESCALATED)
    assert escalation.actor_kind == Author.SYSTEM and escalation.note.startswith("first response overdue since")


def test_answered_resolved_and_closed_tickets_are_left_alone(question_topic):
    answered = opened(question_topic, due_in=-timedelta(hours=1))
    services.reply(ticket=answered, body="Here", author_kind=Author.STAFF, author=StaffFactory())
    resolved = opened(question_topic, due_in=-timedelta(hours=1))
    services.change_state(ticket=resolved, to_state=State.RESOLVED, expected_state=State.NEW, actor=None)

    report = sweep_promises()

    assert report.escalated == 0
    assert not Ticket.objects.filter(pk__in=[answered.pk, resolved.pk], escalated_at__isnull=False).exists()


def test_an_overdue_resolution_is_escalated_too(question_topic):
    ticket = opened(question_topic, due_in=timedelta(days=3))
    services.reply(ticket=ticket, body="Looking", author_kind=Author.STAFF, author=StaffFactory())
    services.reply(ticket=ticket, body="Any news?", author_kind=Author.CUSTOMER, author=ticket.user)  # open again
    Ticket.objects.filter(pk=ticket.pk).update(resolution_due=timezone.now() - timedelta(minutes=5))

    assert sweep_promises().escalated == 1
    assert ticket.events.get(kind=EventKind.ESCALATED).note.startswith("resolution overdue since")


def test_the_beat_task_reports_what_it_did(question_topic):
    opened(question_topic, due_in=-timedelta(minutes=1))
    assert tasks.sweep_promises.delay().get() == {"warned": 0, "escalated": 1}


def test_a_second_sweep_changes_nothing(question_topic, agent):
    near = [opened(question_topic, due_in=timedelta(minutes=m)) for m in (10, 20, 30)]
    overdue = [opened(question_topic, due_in=-timedelta(minutes=m)) for m in (1, 2)]

    first = sweep_promises()
    events, notes = TicketEvent.objects.count(), Notification.objects.count()
    second = sweep_promises()

    assert (first.warned, first.escalated) == (len(near), len(overdue))
    assert (second.warned, second.escalated, second.failed) == (0, 0, 0)
    assert (TicketEvent.objects.count(), Notification.objects.count()) == (events, notes)


def test_every_ticket_near_its_promise_is_warned_in_one_run(question_topic, monkeypatch):
    monkeypatch.setattr(sweep, "BATCH", 2)
    near = [opened(question_topic, due_in=timedelta(minutes=10 + m)) for m in range(5)]

    assert sweep_promises().warned == 5
    assert Ticket.objects.filter(pk__in=[t.pk for t in near], warned_at__isnull=True).count() == 0


def test_one_bad_ticket_does_not_stop_the_others(question_topic, monkeypatch):
    bad_near = opened(question_topic, due_in=timedelta(minutes=10))
    good_near = opened(question_topic, due_in=timedelta(minutes=20))
    bad_overdue = opened(question_topic, due_in=-timedelta(minutes=2))
    good_overdue = opened(question_topic, due_in=-timedelta(minutes=1))
    real_due = sweep._due

    def due(ticket):
        if ticket.pk in (bad_near.pk, bad_overdue.pk):
            raise ValueError("a broken ticket")
        return real_due(ticket)

    monkeypatch.setattr(sweep, "_due", due)
    report = sweep_promises()

    assert (report.warned, report.escalated, report.failed) == (1, 1, 2)
    warned = set(Ticket.objects.filter(warned_at__isnull=False).values_list("pk", flat=True))
    escalated = set(Ticket.objects.filter(escalated_at__isnull=False).values_list("pk", flat=True))
    assert warned == {good_near.pk} and escalated == {good_overdue.pk}
    assert not bad_near.events.filter(kind=EventKind.WARNED).exists()

    monkeypatch.setattr(sweep, "_due", real_due)  # mended: the next sweep takes them
    again = sweep_promises()
    assert (again.warned, again.escalated, again.failed) == (1, 1, 0)


@pytest.fixture
def expert():
    member = StaffFactory()
    member.groups.add(Group.objects.get_or_create(name="Experts")[0])
    return member


def test_every_overdue_ticket_is_escalated_in_one_run_with_its_trail_and_a_note_to_the_experts(
    question_topic, expert, monkeypatch
):
    monkeypatch.setattr(sweep, "BATCH", 2)
    overdue = [opened(question_topic, due_in=-timedelta(minutes=m)) for m in range(1, 6)]

    first, second = sweep_promises(), sweep_promises()

    assert (first.escalated, first.failed, second.escalated) == (5, 0, 0)
    for ticket in overdue:
        ticket.refresh_from_db()
        assert ticket.queue == Group.objects.get(name="Experts") and ticket.escalated_at is not None
        trail = list(ticket.events.filter(actor_kind=Author.SYSTEM).values_list("kind", "after"))
        assert trail == [(EventKind.ESCALATED, ""), (EventKind.QUEUE, "Experts"), (EventKind.PRIORITY, "High")]
        assert Notification.objects.get(recipient=expert, subject__startswith=ticket.reference).subject.startswith(
            f"{ticket.reference} escalated: first response overdue since"
        )


def test_a_bad_row_in_an_escalation_chunk_is_left_for_the_next_run_and_the_others_go_on(
    question_topic, expert, monkeypatch
):
    monkeypatch.setattr(sweep, "BATCH", 3)
    overdue = [opened(question_topic, due_in=-timedelta(minutes=m)) for m in range(1, 6)]
    bad = overdue[1]
    Ticket.objects.filter(pk=bad.pk).update(priority=0)  # written by hand: no such priority

    report = sweep_promises()

    assert (report.escalated, report.failed) == (4, 1)
    escalated = set(Ticket.objects.filter(escalated_at__isnull=False).values_list("pk", flat=True))
    assert escalated == {t.pk for t in overdue} - {bad.pk}
    assert not bad.events.filter(kind__in=[EventKind.ESCALATED, EventKind.QUEUE]).exists()
    assert not Notification.objects.filter(subject__startswith=bad.reference).exists()
    assert Notification.objects.filter(recipient=expert, subject__contains="escalated").count() == 4

    Ticket.objects.filter(pk=bad.pk).update(priority=2)  # mended: the next sweep takes it
    again = sweep_promises()
    assert (again.escalated, again.failed) == (1, 0)
