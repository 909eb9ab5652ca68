"""Complaint → remake or repair: from a quality ticket, staff send a line back to the workshop at no
charge; production plans it with its own promise; the customer follows it on the order's timeline."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.utils import formats, timezone
from oscar.core.loading import get_model

from atelier.orders import OrderStatus
from care import services
from care.models import Author, EventKind, Remake, State
from loyalty.models import LedgerEntry, PendingEarn
from production.models import Operation, WorkOrder
from production.selectors.promises import promise_for_remake
from tests.factories import CustomerFactory, OrderFactory, StaffFactory
from tests.helpers import at_once

pytestmark = pytest.mark.django_db

Order = get_model("order", "Order")
Transaction = get_model("payment", "Transaction")
TOTE = ("printed-tote", {"print_text": "Leeds allotment society", "ink": "clay"})
AGENT, PLANNER = "care@atelier.example", "planner@atelier.example"


@pytest.fixture
def delivered():
    """A customer's delivered order of two printed totes and a stocked product."""
    return OrderFactory(configured=[(*TOTE, 2)], status=OrderStatus.DELIVERED)


@pytest.fixture
def tote(delivered):
    return delivered.lines.get(title__icontains="tote")


@pytest.fixture
def complaint(delivered, tote, complaint_topic):
    ticket, _ = services.open_ticket(
        topic=complaint_topic, user=delivered.user, subject="Print peeling", body="The print peels.", line=tote
    )
    return ticket


@pytest.fixture
def agent(django_user_model):
    return django_user_model.objects.get(email=AGENT)


def _start(ticket, line, agent, kind="remake", **extra):
    return services.start_remake(ticket=ticket, line=line, kind=kind, reason="Print peels off", actor=agent, **extra)


def test_a_remake_is_one_work_order_planned_with_a_raised_weight_and_its_own_promise(
    complaint, tote, agent, django_capture_on_commit_callbacks
):
    expected_date = promise_for_remake(family_slug=TOTE[0], values=TOTE[1], quantity=2)

    with django_capture_on_commit_callbacks(execute=True):
        remake, created = _start(complaint, tote, agent)

    assert created
    work_order = WorkOrder.objects.get(remake_key__isnull=False)
    assert (work_order.kind, work_order.line, work_order.order, work_order.quantity) == ("remake", tote, tote.order, 2)
    assert work_order.origin == f"Remake for {complaint.reference}"
    assert work_order.weight == 5  # above a rush order's 3
    assert timezone.localtime(work_order.due_at).date() == expected_date == remake.promised_ship_date
    assert list(work_order.operations.values_list("code", flat=True)) == ["print", "pack"]
    assert not work_order.operations.filter(planned_start__isnull=True).exists()  # planned by the scheduler
    assert (remake.ticket, remake.line, remake.work_order, remake.created_by) == (complaint, tote, work_order, agent)
    event = complaint.events.get(kind=EventKind.REMAKE)
    assert (event.after, event.note, event.actor) == (f"Remake {work_order.number}", "Print peels off", agent)
    message = complaint.messages.get(author_kind=Author.SYSTEM)
    assert not message.internal
    assert (
        message.body
        == f"A remake of {tote.title} was started, promised for {formats.date_format(expected_date, 'l j F')}."
    )


def test_a_double_submit_starts_one_remake(complaint, tote, agent):
    first, created = _start(complaint, tote, agent)
    again, created_again = _start(complaint, tote, agent)

    assert (created, created_again) == (True, False)
    assert again.pk == first.pk and again.work_order_id == first.work_order_id
    assert WorkOrder.objects.filter(line=tote).count() == 1
    assert complaint.events.filter(kind=EventKind.REMAKE).count() == 1
    assert complaint.messages.filter(author_kind=Author.SYSTEM).count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's row locks and real concurrency")
def test_two_agents_starting_one_remake_at_once_start_one_work_order(committed_demo_shop, agent):
    from care.models import Ticket

    ticket = Ticket.objects.get(subject__startswith="Stitching")  # Ben's tote, DEMO-1005, delivered

    outcomes = at_once(lambda _: _start(Ticket.objects.get(pk=ticket.pk), ticket.line, agent), range(4))

    assert [type(o) for o in outcomes] == [tuple] * 4, outcomes
    assert sorted(created for _remake, created in outcomes) == [False, False, False, True]
    assert WorkOrder.objects.filter(line=ticket.line, kind="remake").count() == 1
    assert ticket.events.filter(kind=EventKind.REMAKE).count() == 1


def test_the_workshop_keeps_one_work_order_per_key_even_when_care_asks_twice(complaint, tote, agent):
    from production.services.remakes import release_remake

    first, created = release_remake(line=tote, kind="remake", key="care:X:1:remake", origin="Remake for X")
    second, created_again = release_remake(line=tote, kind="remake", key="care:X:1:remake", origin="Remake for X")

    assert (created, created_again, first.pk) == (True, False, second.pk)


def test_a_repair_runs_the_finishing_steps_only_with_a_shorter_promise(complaint, tote, agent):
    remake, _ = _start(complaint, tote, agent, kind="repair", quantity=1)

    work_order = remake.work_order
    assert (work_order.kind, work_order.quantity, work_order.origin) == (
        "repair",
        1,
        f"Repair for {complaint.reference}",
    )
    assert list(work_order.operations.values_list("code", flat=True)) == ["pack"]
    assert remake.promised_ship_date < promise_for_remake(family_slug=TOTE[0], values=TOTE[1], quantity=1)
    assert complaint.messages.get(author_kind=Author.SYSTEM).body.startswith(f"A repair of {tote.title} was started")


def test_a_remake_and_a_repair_of_the_same_line_are_two(complaint, tote, agent):
    _start(complaint, tote, agent)
    _start(complaint, tote, agent, kind="repair")

    assert sorted(Remake.objects.values_list("kind", flat=True)) == ["remake", "repair"]


def test_no_payment_no_points_and_the_order_stays_delivered(
    complaint, tote, agent, monkeypatch, django_user_model, django_capture_on_commit_callbacks
):
    import portal.events

    def refuse(*args, **kwargs):
        raise AssertionError("a remake is not a paid order")

    monkeypatch.setattr(portal.events, "order_paid", refuse)
    order = tote.order
    before = (
        Order.objects.count(),
        Transaction.objects.count(),
        LedgerEntry.objects.count(),
        PendingEarn.objects.count(),
    )

    with django_capture_on_commit_callbacks(execute=True):
        remake, _ = _start(complaint, tote, agent)
    operation = remake.work_order.operations.order_by("sequence").first()
    from production.services.floor import start_operation

    start_operation(operation=operation, user=django_user_model.objects.get(email=PLANNER))

    assert (
        Order.objects.count(),
        Transaction.objects.count(),
        LedgerEntry.objects.count(),
        PendingEarn.objects.count(),
    ) == before
    order.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED
    assert Operation.objects.get(pk=operation.pk).status == Operation.STARTED


def _refusal(ticket, line, agent, kind="remake"):
    with pytest.raises(services.TicketRefused) as refused:
        _start(ticket, line, agent, kind=kind)
    assert not WorkOrder.objects.exclude(kind="order").exists()
    assert not Remake.objects.exists()
    return str(refused.value)


def test_a_ticket_that_is_not_a_complaint_is_refused(delivered, tote, agent, question_topic):
    ticket, _ = services.open_ticket(topic=question_topic, user=delivered.user, subject="When?", body="b", line=tote)

    assert _refusal(ticket, tote, agent) == (
        f"Only a complaint about quality can send an item back to the workshop; {ticket.reference} is about "
        "Test question."
    )


def test_a_closed_ticket_is_refused(complaint, tote, agent):
    services.change_state(ticket=complaint, to_state=State.CLOSED, expected_state=State.NEW, actor=agent)

    assert _refusal(complaint, tote, agent) == (
        f"Ticket {complaint.reference} is closed: reopen the complaint with a new ticket to start a remake."
    )


def test_a_line_of_another_order_is_refused(complaint, agent):
    other = OrderFactory(configured=[(*TOTE, 1)], status=OrderStatus.DELIVERED).lines.get()

    assert _refusal(complaint, other, agent) == "That item is not part of the order this ticket is about."


def test_stocked_goods_are_not_remade_in_the_workshop(complaint_topic, agent):
    order = OrderFactory(status=OrderStatus.DELIVERED)
    line = order.lines.get()
    ticket, _ = services.open_ticket(topic=complaint_topic, user=order.user, subject="Dented", body="b", line=line)

    for kind in ("remake", "repair"):
        assert _refusal(ticket, line, agent, kind=kind) == (
            f"{line.title} is stocked goods, not made in the workshop: it cannot be remade or repaired there. "
            "Offer a replacement from stock or a refund instead."
        )


# --- the console ----------------------------------------------------------------------------------


def _post(client, ticket, line, **data):
    return client.post(
        f"/dashboard/care/{ticket.reference}/remake/",
        {"line": line.pk, "kind": "remake", "reason": "Print peels off", **data},
    )


def _answer_only_agent():
    agent = StaffFactory()
    agent.groups.add(Group.objects.get(name="Customer service"))
    return agent


@pytest.mark.parametrize("who", ["customer", "planner", "answering agent", "anonymous"])
def test_only_staff_who_may_start_remakes_can(who, complaint, tote, client, django_user_model):
    if who == "customer":
        client.force_login(complaint.user)
    elif who == "planner":
        client.force_login(django_user_model.objects.get(email=PLANNER))
    elif who == "answering agent":
        client.force_login(_answer_only_agent())

    response = _post(client, complaint, tote)

    if who == "anonymous":
        assert response.status_code == 302 and "login" in response["Location"]
    else:
        assert response.status_code == 403
    assert not Remake.objects.exists()


def test_an_agent_who_only_answers_sees_no_remake_form(complaint, client):
    client.force_login(_answer_only_agent())

    page = client.get(f"/dashboard/care/{complaint.reference}/").content.decode()

    assert "Send back to the workshop" not in page


def test_the_console_starts_a_remake_once_and_shows_it(complaint, tote, login, django_capture_on_commit_callbacks):
    agent = login(AGENT)
    assert "Send back to the workshop" in agent.get(f"/dashboard/care/{complaint.reference}/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        first = _post(agent, complaint, tote)
        second = _post(agent, complaint, tote)

    assert (first.status_code, second.status_code) == (302, 302)
    remake = Remake.objects.get()
    page = agent.get(f"/dashboard/care/{complaint.reference}/").content.decode()
    assert remake.work_order.number in page and "Remake or repair started" in page
    assert f"This remake was started already: {remake.work_order.number}" in page


def test_the_console_shows_a_refusal_on_the_ticket_page(complaint_topic, login):
    order = OrderFactory(status=OrderStatus.DELIVERED)
    line = order.lines.get()
    ticket, _ = services.open_ticket(topic=complaint_topic, user=order.user, subject="Dented", body="b", line=line)

    response = _post(login(AGENT), ticket, line)

    assert response.status_code == 409
    assert "is stocked goods, not made in the workshop" in response.content.decode()


def test_the_console_needs_the_csrf_token(complaint, tote, django_user_model):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(django_user_model.objects.get(email=AGENT))

    assert _post(browser, complaint, tote).status_code == 403
    assert not Remake.objects.exists()


# --- where it is seen ------------------------------------------------------------------------------


def test_the_planner_board_marks_the_remake(complaint, tote, agent, login, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _start(complaint, tote, agent)

    board = login(PLANNER).get("/dashboard/production/?view=week").content.decode()

    assert f"Remake for {complaint.reference}" in board


def test_the_owner_sees_the_remake_on_the_order_timeline_and_no_one_else(
    complaint, tote, agent, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        remake, _ = _start(complaint, tote, agent)
    url = f"/accounts/orders/{tote.order.number}/"

    client.force_login(tote.order.user)
    page = client.get(url).content.decode()
    assert "Remake in production:" in page
    assert f"promised to ship by {formats.date_format(remake.promised_ship_date, 'l j F')}" in page
    assert "Delivered" in page  # the order itself stays delivered
    thread = client.get(f"/accounts/tickets/{complaint.reference}/").content.decode()
    assert f"A remake of {tote.title} was started" in thread

    client.force_login(CustomerFactory())
    assert client.get(url).status_code == 404
