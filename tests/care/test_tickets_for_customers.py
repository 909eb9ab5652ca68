"""Staff open a ticket on a customer's behalf (a phone call, an e-mail): found by e-mail or name, channel recorded."""

import re
import uuid

import pytest
from django.core import mail

from care.models import Author, Channel, EventKind, Ticket, Topic
from tests.factories import CustomerFactory, OrderFactory, StaffFactory
from tests.helpers import access_answer

pytestmark = pytest.mark.django_db

AGENT, PLANNER, SHOPPER = "care@atelier.example", "planner@atelier.example", "ada@example.com"


@pytest.fixture
def customer(db):
    return CustomerFactory(email="grace.hopper@example.com", first_name="Grace", last_name="Hopper")


def _ticket_data(**fields):
    topic = Topic.objects.get(slug="order-question")
    return {
        "topic": topic.pk,
        "channel": Channel.PHONE,
        "subject": "Called about delivery",
        "body": "She asked whether the sofa can come on a Saturday.",
        "submission": str(uuid.uuid4()),
        **fields,
    }


@pytest.mark.parametrize(
    ("who", "expected"), [(AGENT, "ok"), (PLANNER, "forbidden"), (SHOPPER, "forbidden"), (None, "login")]
)
def test_only_agents_open_tickets_for_customers(client, login, customer, who, expected):
    browser = login(who) if who else client
    assert access_answer(browser.get("/dashboard/care/new/?q=grace")) == expected
    assert access_answer(browser.get(f"/dashboard/care/new/{customer.pk}/")) == expected
    if expected != "ok":
        assert access_answer(browser.post(f"/dashboard/care/new/{customer.pk}/", _ticket_data())) == expected
        assert not Ticket.objects.filter(user=customer).exists()


def test_the_customer_is_found_by_address_or_name_and_staff_are_not(login, customer):
    StaffFactory(email="grace.staff@example.com", first_name="Grace", last_name="Staff")
    agent = login(AGENT)

    by_address = agent.get("/dashboard/care/new/?q=GRACE.HOPPER@example.com").content.decode()
    by_name = agent.get("/dashboard/care/new/?q=hopper grace").content.decode()
    nobody = agent.get("/dashboard/care/new/?q=nobody-like-this").content.decode()

    for html in (by_address, by_name):
        assert "grace.hopper@example.com" in html
        assert f"/dashboard/care/new/{customer.pk}/" in html
        assert "grace.staff@example.com" not in html
    assert "No customer matches." in nobody


def test_a_staff_account_gets_no_ticket_form(login):
    colleague = StaffFactory()
    assert login(AGENT).get(f"/dashboard/care/new/{colleague.pk}/").status_code == 404


def test_a_phone_ticket_records_the_channel_and_the_agent_and_reaches_the_customer(
    client, login, customer, django_capture_on_commit_callbacks
):
    agent = login(AGENT)
    with django_capture_on_commit_callbacks(execute=True):
        response = agent.post(f"/dashboard/care/new/{customer.pk}/", _ticket_data())

    ticket = Ticket.objects.get(user=customer)
    assert response.status_code == 302
    assert response["Location"] == f"/dashboard/care/{ticket.reference}/"
    assert ticket.channel == Channel.PHONE
    assert ticket.subject == "Called about delivery"
    opened = ticket.events.get(kind=EventKind.OPENED)
    assert opened.actor.email == AGENT
    assert opened.actor_kind == Author.STAFF
    assert "by Phone" in opened.note
    assert [message.to for message in mail.outbox] == [[customer.email]]
    assert ticket.reference in mail.outbox[0].subject

    client.force_login(customer)
    assert ticket.reference in client.get("/accounts/tickets/").content.decode()
    thread = client.get(f"/accounts/tickets/{ticket.reference}/").content.decode()
    assert "She asked whether the sofa can come on a Saturday." in thread


def test_an_email_ticket_about_the_customers_own_order(login, customer):
    order = OrderFactory(user=customer)

    login(AGENT).post(f"/dashboard/care/new/{customer.pk}/", _ticket_data(channel=Channel.EMAIL, order=order.pk))

    ticket = Ticket.objects.get(user=customer)
    assert (ticket.channel, ticket.order) == (Channel.EMAIL, order)


def test_another_customers_order_is_refused_and_nothing_is_opened(login, customer):
    theirs = OrderFactory(user=CustomerFactory())

    response = login(AGENT).post(f"/dashboard/care/new/{customer.pk}/", _ticket_data(order=theirs.pk))

    assert response.status_code == 422
    assert "That order is not one of this customer&#x27;s." in response.content.decode()
    assert not Ticket.objects.filter(user=customer).exists()


def test_the_web_channel_is_not_the_staffs_to_choose(login, customer):
    response = login(AGENT).post(f"/dashboard/care/new/{customer.pk}/", _ticket_data(channel=Channel.WEB))

    assert response.status_code == 422
    assert not Ticket.objects.filter(user=customer).exists()


def test_a_double_submit_opens_one_ticket(login, customer):
    agent = login(AGENT)
    data = _ticket_data()

    first = agent.post(f"/dashboard/care/new/{customer.pk}/", data)
    second = agent.post(f"/dashboard/care/new/{customer.pk}/", data, follow=True)

    ticket = Ticket.objects.get(user=customer)
    assert first["Location"] == f"/dashboard/care/{ticket.reference}/"
    assert f"This ticket was opened already: {ticket.reference}." in second.content.decode()


def test_the_ticket_page_offers_a_new_ticket_and_a_basket_for_the_same_customer(login, customer):
    login(AGENT).post(f"/dashboard/care/new/{customer.pk}/", _ticket_data())
    ticket = Ticket.objects.get(user=customer)

    html = login(AGENT).get(f"/dashboard/care/{ticket.reference}/").content.decode()

    assert f'href="/dashboard/care/new/{customer.pk}/"' in html
    assert f'href="/dashboard/care/baskets/new/?ticket={ticket.reference}"' in html


def test_an_exact_address_comes_first_even_among_many(login):
    exact = CustomerFactory(email="ann@example.com", first_name="Ann", last_name="Zed")
    for number in range(25):
        CustomerFactory(email=f"jo{number}ann@example.com", first_name="Jo", last_name="Aaa")

    html = login(AGENT).get("/dashboard/care/new/?q=ann@example.com").content.decode()

    rows = re.findall(r'href="/dashboard/care/new/(\d+)/"', html)
    assert len(rows) == 20
    assert rows[0] == str(exact.pk)
    assert "type more of the name or the whole address" in html
