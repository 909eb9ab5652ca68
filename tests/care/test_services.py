"""Opening, answering and moving tickets: each change once, audited, and only for the ticket's owner."""

import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone

from care import priority, services
from care.models import Author, Channel, EventKind, Severity, State, Ticket, TicketEvent, TicketMessage
from tests.factories import CustomerFactory, LoyaltyAccountFactory, OrderFactory, StaffFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
FRIDAY_4PM = datetime(2026, 12, 4, 16, tzinfo=LONDON)


def open_for(user, topic, **kwargs):
    kwargs.setdefault("subject", "Where is my sofa?")
    kwargs.setdefault("body", "It was due last week.")
    ticket, created = services.open_ticket(topic=topic, user=user, **kwargs)
    assert created
    return ticket


def test_a_ticket_opened_friday_afternoon_is_promised_by_wednesday(question_topic, django_capture_on_commit_callbacks):
    customer = CustomerFactory()
    with django_capture_on_commit_callbacks(execute=True):
        ticket = open_for(customer, question_topic, now=FRIDAY_4PM)

    assert ticket.reference.startswith("T-") and len(ticket.reference) == 8
    assert ticket.state == State.NEW
    assert ticket.queue == question_topic.queue
    assert ticket.first_response_due == datetime(2026, 12, 9, 16, tzinfo=LONDON)
    assert ticket.channel == Channel.WEB
    assert list(ticket.messages.values_list("author_kind", "body")) == [("customer", "It was due last week.")]
    assert list(ticket.events.values_list("kind", "after", "actor_id")) == [("opened", "New", customer.pk)]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [customer.email]
    assert ticket.reference in mail.outbox[0].subject


def test_priority_follows_complaint_severity_and_the_customers_tier(complaint_topic, question_topic):
    customer = CustomerFactory()

    plain = open_for(customer, question_topic, severity=Severity.SEVERE)
    severe = open_for(customer, complaint_topic, severity=Severity.SEVERE)
    major = open_for(customer, complaint_topic, severity=Severity.MAJOR)

    assert plain.priority == priority.NORMAL and plain.severity == ""  # not a complaint: no severity
    assert severe.priority == priority.URGENT
    assert major.priority == priority.HIGH


def test_a_gold_customer_is_answered_one_step_sooner(question_topic):
    from loyalty.models import Tier

    heavy = Tier.objects.filter(production_weight__gt=1).first()
    assert heavy is not None, "the demo has a tier with priority in the workshop"
    account = LoyaltyAccountFactory()
    account.tier = heavy
    account.save(update_fields=["tier"])

    assert open_for(account.user, question_topic).priority == priority.HIGH


def test_a_customer_links_only_their_own_order_and_line(question_topic):
    customer, other = CustomerFactory(), CustomerFactory()
    mine, theirs = OrderFactory(user=customer), OrderFactory(user=other)

    ticket = open_for(customer, question_topic, line=mine.lines.first())
    assert (ticket.order, ticket.line) == (mine, mine.lines.first())

    for links in ({"order": theirs}, {"line": theirs.lines.first()}):
        with pytest.raises(services.TicketRefused, match=r"We could not find that order in your account\."):
            services.open_ticket(topic=question_topic, user=customer, subject="s", body="b", **links)
    with pytest.raises(services.TicketRefused, match="not part of that order"):
        services.open_ticket(topic=question_topic, user=customer, subject="s", body="b", order=mine,
                             line=theirs.lines.first())  # fmt: skip
    assert not Ticket.objects.filter(order=theirs).exists()


def test_a_guest_cannot_link_an_order(question_topic):
    order = OrderFactory()
    with pytest.raises(services.TicketRefused, match="We could not find that order"):
        services.open_ticket(topic=question_topic, guest_email="g@example.com", subject="s", body="b", order=order)


def test_the_same_form_submitted_twice_makes_one_ticket(question_topic):
    customer, key = CustomerFactory(), uuid.uuid4()
    first, created = services.open_ticket(
        topic=question_topic, user=customer, subject="s", body="b", submission_key=key
    )
    again, created_again = services.open_ticket(
        topic=question_topic, user=customer, subject="s", body="b", submission_key=key
    )

    assert (created, created_again) == (True, False)
    assert again == first
    assert Ticket.objects.filter(user=customer).count() == 1
    with pytest.raises(services.TicketRefused, match="already used"):
        services.open_ticket(topic=question_topic, user=CustomerFactory(), subject="s", body="b", submission_key=key)


def test_staff_reply_is_the_first_response_waits_for_the_customer_and_mails_them(
    question_topic, django_capture_on_commit_callbacks
):
    customer, agent = CustomerFactory(), StaffFactory(first_name="Mina")
    ticket = open_for(customer, question_topic)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.reply(ticket=ticket, body="It ships <b>Monday</b>.", author_kind=Author.STAFF, author=agent)

    ticket.refresh_from_db()
    assert ticket.state == State.WAITING
    assert ticket.first_responded_at is not None
    kinds = list(ticket.events.values_list("kind", "before", "after"))
    assert kinds[1:] == [
        ("first_response", "", "on time"),
        ("state", "New", "Waiting for customer"),
        ("paused", "", ""),  # the promise clock stops while we wait for the customer
    ]
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert "It ships <b>Monday</b>." in sent.body  # plain text: shown as typed
    html = sent.alternatives[0][0]
    assert "It ships &lt;b&gt;Monday&lt;/b&gt;." in html and "<b>Monday" not in html


def test_an_internal_note_changes_nothing_the_customer_sees(question_topic, django_capture_on_commit_callbacks):
    ticket = open_for(CustomerFactory(), question_topic)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.reply(ticket=ticket, body="Call the carrier", author_kind=Author.STAFF, author=StaffFactory(),
                       internal=True)  # fmt: skip

    ticket.refresh_from_db()
    assert ticket.state == State.NEW and ticket.first_responded_at is None
    assert mail.outbox == []


def test_a_customer_reply_reopens_a_resolved_ticket(question_topic):
    customer, agent = CustomerFactory(), StaffFactory()
    ticket = open_for(customer, question_topic)
    services.reply(ticket=ticket, body="Done", author_kind=Author.STAFF, author=agent)
    services.change_state(ticket=ticket, to_state=State.RESOLVED, expected_state=State.WAITING, actor=agent)

    services.reply(ticket=ticket, body="Still broken", author_kind=Author.CUSTOMER, author=customer)

    ticket.refresh_from_db()
    assert ticket.state == State.OPEN and ticket.resolved_at is None
    last = ticket.events.last()
    assert (last.kind, last.before, last.after, last.note, last.actor) == (
        "state", "Resolved", "Open", "reopened by the customer's reply", customer,
    )  # fmt: skip


def test_a_reply_to_a_closed_ticket_is_refused_and_nothing_is_added(question_topic):
    customer, agent = CustomerFactory(), StaffFactory()
    ticket = open_for(customer, question_topic)
    services.change_state(ticket=ticket, to_state=State.CLOSED, expected_state=State.NEW, actor=agent)

    with pytest.raises(services.TicketRefused) as refusal:
        services.reply(ticket=ticket, body="Hello?", author_kind=Author.CUSTOMER, author=customer)

    assert str(refusal.value) == (
        f"Ticket {ticket.reference} is closed and takes no more replies. "
        f"Please open a new ticket and mention {ticket.reference}."
    )
    assert ticket.messages.count() == 1


def test_a_double_submitted_reply_adds_one_message(question_topic):
    customer = CustomerFactory()
    ticket, key = open_for(customer, question_topic), uuid.uuid4()
    for _ in range(2):
        services.reply(ticket=ticket, body="Thanks", author_kind=Author.CUSTOMER, author=customer, submission_key=key)

    assert ticket.messages.filter(body="Thanks").count() == 1


def test_a_state_change_applies_once_when_submitted_twice(question_topic):
    agent = StaffFactory()
    ticket = open_for(CustomerFactory(), question_topic)
    services.change_state(ticket=ticket, to_state=State.OPEN, expected_state=State.NEW, actor=agent)

    stale = Ticket.objects.get(pk=ticket.pk)
    with pytest.raises(services.StaleTicket, match=f"Ticket {ticket.reference} is now open; nothing was changed."):
        services.change_state(ticket=stale, to_state=State.OPEN, expected_state=State.NEW, actor=agent)
    assert TicketEvent.objects.filter(ticket=ticket, kind=EventKind.STATE).count() == 1


def test_only_allowed_transitions(question_topic):
    ticket = open_for(CustomerFactory(), question_topic)
    services.change_state(ticket=ticket, to_state=State.CLOSED, expected_state=State.NEW, actor=StaffFactory())
    with pytest.raises(services.TicketRefused, match=r"A ticket that is closed cannot become open\."):
        services.change_state(ticket=ticket, to_state=State.OPEN, expected_state=State.CLOSED, actor=StaffFactory())


def test_assign_is_conditional_on_who_had_it_and_audited(question_topic):
    ana, ben = StaffFactory(first_name="Ana", last_name="A"), StaffFactory(first_name="Ben", last_name="B")
    ticket = open_for(CustomerFactory(), question_topic)
    services.assign(ticket=ticket, assignee=ana, expected_assignee_id=None, actor=ana)

    with pytest.raises(services.StaleTicket, match="reassigned meanwhile"):
        services.assign(ticket=Ticket.objects.get(pk=ticket.pk), assignee=ben, expected_assignee_id=None, actor=ben)
    with pytest.raises(services.TicketRefused, match="staff only"):
        services.assign(ticket=ticket, assignee=CustomerFactory(), expected_assignee_id=ana.pk, actor=ana)

    assert Ticket.objects.get(pk=ticket.pk).assignee == ana
    assert list(ticket.events.filter(kind="assignee").values_list("before", "after")) == [("", "Ana A")]


def test_escalation_moves_to_the_experts_once_with_a_higher_priority(question_topic):
    ticket = open_for(CustomerFactory(), question_topic)

    assert services.escalate(ticket=ticket, actor_kind=Author.SYSTEM, reason="first response overdue") is True
    assert services.escalate(ticket=Ticket.objects.get(pk=ticket.pk), actor_kind=Author.SYSTEM) is False

    ticket.refresh_from_db()
    assert ticket.queue.name == "Experts" and ticket.priority == priority.HIGH
    assert list(ticket.events.values_list("kind", "before", "after"))[1:] == [
        ("escalated", "", ""),
        ("queue", "Customer service", "Experts"),
        ("priority", "Normal", "High"),
    ]


def test_the_acknowledgement_is_mailed_once_even_if_the_task_runs_twice(question_topic):
    from care.services import mail as care_mail

    ticket = open_for(CustomerFactory(), question_topic)
    first = ticket.messages.get()
    TicketMessage.objects.filter(pk=first.pk).update(emailed_at=None)
    mail.outbox.clear()

    assert care_mail.send_message_mail(message_id=first.pk) is True
    assert care_mail.send_message_mail(message_id=first.pk) is False
    assert len(mail.outbox) == 1


def test_mark_seen_clears_unread_staff_replies(question_topic):
    from care import selectors

    customer = CustomerFactory()
    ticket = open_for(customer, question_topic, now=timezone.now() - timezone.timedelta(minutes=5))
    services.reply(ticket=ticket, body="Answer", author_kind=Author.STAFF, author=StaffFactory())
    services.reply(ticket=ticket, body="Note", author_kind=Author.STAFF, author=StaffFactory(), internal=True)

    assert selectors.unread_count(customer) == 1
    assert selectors.tickets_for(customer).get().unread == 1
    services.mark_seen(ticket=ticket)
    assert selectors.unread_count(customer) == 0
