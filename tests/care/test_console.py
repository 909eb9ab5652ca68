"""The care console in Oscar's dashboard: the queue by time to breach, and a ticket's page, for agents only."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.db import connection
from django.template.defaultfilters import date as date_filter
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from care import services
from care.models import Author, State, Ticket, Topic
from care.queue_rows import Words
from tests.factories import CustomerFactory
from tests.helpers import access_answer

pytestmark = pytest.mark.django_db

AGENT, ADMIN, PLANNER, SHOPPER = (
    "care@atelier.example",
    "admin@atelier.example",
    "planner@atelier.example",
    "ada@example.com",
)


@pytest.mark.parametrize(
    ("who", "expected"),
    [(AGENT, "ok"), (ADMIN, "ok"), (PLANNER, "forbidden"), (SHOPPER, "forbidden"), (None, "login")],
)
def test_only_agents_open_the_console(client, login, who, expected):
    browser = login(who) if who else client
    reference = Ticket.objects.first().reference
    for url in ("/dashboard/care/", f"/dashboard/care/{reference}/"):
        assert access_answer(browser.get(url)) == expected
    if expected != "ok":
        response = browser.post(f"/dashboard/care/{reference}/state/", {"to_state": "closed", "expected_state": "new"})
        assert access_answer(response) == expected


def test_the_menu_shows_the_queue_to_agents_only(login):
    assert "/dashboard/care/" in login(AGENT).get("/dashboard/").content.decode()
    assert "/dashboard/care/" not in login(PLANNER).get("/dashboard/").content.decode()


def test_the_queue_lists_the_next_breach_first_in_few_queries(login):
    topic = Topic.objects.get(slug="order-question")
    now = timezone.now()
    late = services.open_ticket(topic=topic, user=CustomerFactory(), subject="Late one", body="b",
                                now=now - timedelta(days=10))[0]  # fmt: skip
    client = login(AGENT)

    with CaptureQueriesContext(connection) as queries:
        html = client.get("/dashboard/care/").content.decode()

    assert html.index(late.reference) < html.index("Stitching came loose")
    assert "overdue by" in html
    assert "Points from my fridge order" not in html  # resolved: not in the active queue
    assert len(queries) <= 12


def test_filters_narrow_the_queue(login):
    client = login(AGENT)
    quality = Topic.objects.get(slug="product-quality").queue

    html = client.get(f"/dashboard/care/?queue={quality.pk}&state=active").content.decode()
    assert "Stitching came loose" in html and "Can the sofa arrive" not in html
    html = client.get("/dashboard/care/?state=resolved").content.decode()
    assert "Points from my fridge order" in html and "Stitching" not in html
    html = client.get("/dashboard/care/?text=ben@example.com").content.decode()
    assert "Stitching came loose" in html and "Can the sofa" not in html


def test_an_agent_answers_and_the_customer_sees_an_unread_reply(login, client, django_capture_on_commit_callbacks):
    ticket = Ticket.objects.get(subject__startswith="Stitching")
    agent = login(AGENT)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = agent.post(f"/dashboard/care/{ticket.reference}/", {"body": "We will remake the strap.",
                                                                       "submission": uuid.uuid4()})  # fmt: skip

    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.state == State.WAITING and ticket.first_responded_at is not None
    assert mail.outbox[-1].to == ["ben@example.com"]
    customer = login("ben@example.com")
    assert "1 new reply" in customer.get("/accounts/tickets/").content.decode()


def test_an_internal_note_stays_with_staff(login):
    ticket = Ticket.objects.get(subject__startswith="Stitching")
    login(AGENT).post(f"/dashboard/care/{ticket.reference}/", {"body": "Check batch 12", "internal": "on"})

    assert "Check batch 12" in login(AGENT).get(f"/dashboard/care/{ticket.reference}/").content.decode()
    assert (
        "Check batch 12" not in login("ben@example.com").get(f"/accounts/tickets/{ticket.reference}/").content.decode()
    )
    ticket.refresh_from_db()
    assert ticket.state == State.NEW


def test_a_second_state_change_from_the_same_page_is_refused(login):
    ticket = Ticket.objects.get(subject__startswith="Stitching")
    agent = login(AGENT)
    data = {"to_state": "open", "expected_state": "new"}

    agent.post(f"/dashboard/care/{ticket.reference}/state/", data)
    page = agent.post(f"/dashboard/care/{ticket.reference}/state/", data, follow=True).content.decode()

    assert f"Ticket {ticket.reference} is now open; nothing was changed." in page
    assert ticket.events.filter(kind="state").count() == 1


def test_assign_to_me_and_escalate(login):
    ticket = Ticket.objects.get(subject__startswith="Stitching")
    agent = login(AGENT)

    agent.post(f"/dashboard/care/{ticket.reference}/assign/", {"assign_me": "1", "expected_assignee": ""})
    agent.post(f"/dashboard/care/{ticket.reference}/escalate/", {"reason": "Needs the workshop"})

    ticket.refresh_from_db()
    assert ticket.assignee.email == AGENT
    assert ticket.queue.name == "Experts" and ticket.escalated_at is not None
    page = agent.get(f"/dashboard/care/{ticket.reference}/").content.decode()
    assert "Needs the workshop" in page and "Escalate to the experts" not in page


def test_html_is_escaped_in_the_console(login):
    ticket = services.open_ticket(topic=Topic.objects.get(slug="delivery"), user=CustomerFactory(),
                                  subject="<img src=x onerror=alert(1)>", body="<script>x()</script>")[0]  # fmt: skip
    html = login(AGENT).get(f"/dashboard/care/{ticket.reference}/").content.decode()
    assert "<img src=x" not in html and "<script>x()" not in html
    assert "&lt;script&gt;x()&lt;/script&gt;" in html
    assert "<img src=x" not in login(AGENT).get("/dashboard/care/").content.decode()


def test_a_closed_ticket_takes_no_staff_reply(login):
    ticket = Ticket.objects.get(subject__startswith="Stitching")
    services.change_state(ticket=ticket, to_state=State.CLOSED, expected_state=State.NEW, actor=None,
                          actor_kind=Author.SYSTEM)  # fmt: skip
    response = login(AGENT).post(f"/dashboard/care/{ticket.reference}/", {"body": "Hello"})

    assert response.status_code == 409
    assert "is closed and takes no more replies" in response.content.decode()


def test_a_full_page_of_the_queue_takes_at_most_ten_queries(login, django_assert_max_num_queries):
    topic = Topic.objects.get(slug="order-question")
    now = timezone.now()
    for days in range(60):  # more than a page of 50, each with its own customer
        services.open_ticket(topic=topic, user=CustomerFactory(), subject=f"Question {days}", body="b",
                             now=now - timedelta(days=days))  # fmt: skip
    client = login(AGENT)
    client.get("/dashboard/care/")  # the session and the menu's caches, as for an agent at work

    with django_assert_max_num_queries(10):
        html = client.get("/dashboard/care/?state=active").content.decode()

    assert "Page 1 of 2" in html
    assert html.index("Question 59") < html.index("Question 30") and "Question 0<" not in html


def test_a_long_queue_is_counted_up_to_a_cap(login, monkeypatch):
    from care.console import QueuePaginator

    monkeypatch.setattr(QueuePaginator, "COUNT_CAP", 3)
    topic = Topic.objects.get(slug="order-question")
    for n in range(4):
        services.open_ticket(topic=topic, user=CustomerFactory(), subject=f"Question {n}", body="b")

    html = login(AGENT).get("/dashboard/care/?state=active").content.decode()

    assert "More than 3 tickets, the next promise to breach first" in html
    assert "Question 0" in html


@pytest.mark.parametrize(
    ("late", "words"),
    [
        (timedelta(seconds=30), "0 minutes"),
        (timedelta(minutes=1), "1 minute"),
        (timedelta(hours=5, minutes=10, seconds=59), "5 hours, 10 minutes"),
        (timedelta(hours=1), "1 hour"),
        (timedelta(days=2, hours=3, minutes=59), "2 days, 3 hours"),
        (timedelta(days=1, minutes=5), "1 day"),
    ],
)
def test_overdue_time_is_said_in_two_units_at_most(late, words):
    assert Words().lateness(late) == words


@pytest.mark.parametrize("moment", [datetime(2026, 12, 7, 14, 5, tzinfo=UTC), datetime(2026, 3, 29, 0, 30, tzinfo=UTC),
                                    datetime(2026, 7, 4, 23, 59, tzinfo=UTC)])  # fmt: skip
def test_a_rows_due_time_reads_as_the_date_filter_wrote_it(moment):
    assert Words().when(moment) == date_filter(timezone.localtime(moment), "D j M, H:i")  # as a template shows it


def test_each_row_says_how_overdue_or_how_many_working_hours_are_left(login, settings):
    Ticket.objects.update(state=State.CLOSED)
    topic = Topic.objects.get(slug="order-question")
    now = timezone.now()
    late, soon = (services.open_ticket(topic=topic, user=CustomerFactory(), subject=s, body="b")[0] for s in "ab")
    Ticket.objects.filter(pk=late.pk).update(first_response_due=now - timedelta(days=1, hours=2, minutes=30))
    settings.CARE_WORKING_HOURS = {"days": list(range(7)), "start": "00:00", "end": "23:59:59.999999"}
    Ticket.objects.filter(pk=soon.pk).update(first_response_due=now + timedelta(hours=3, minutes=3))

    rows = login(AGENT).get("/dashboard/care/").content.decode().split("<tr")

    assert "overdue by 1 day, 2 hours" in next(row for row in rows if late.reference in row)
    assert "3.0 working h left" in next(row for row in rows if soon.reference in row)
