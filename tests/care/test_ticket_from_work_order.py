"""A ticket from the workshop's updates on the hub's order page: "Ask about this" opens the form with the
order, the item and its work order filled in; another customer's work order is refused like a made-up one."""

import re
import uuid

import pytest
from django.utils import timezone

from care import services
from care.models import Ticket
from production.models import WorkOrder
from production.selectors.progress import order_progress
from production.services.release import release_order_to_production
from tests.factories import CustomerFactory, OrderFactory

pytestmark = pytest.mark.django_db

TOTE = ("printed-tote", {"print_text": "Allotment", "ink": "clay"})
NOT_FOUND = "We could not find that order in your account."
NOT_FOUND_PATTERN = r"We could not find that order in your account\."


def _made_order(customer):
    order = OrderFactory(user=customer, configured=[(*TOTE, 1)])
    release_order_to_production(order_id=order.pk)
    return order


def _remake_of(work_order):
    return WorkOrder.objects.create(
        order=work_order.order, line=work_order.line, kind=WorkOrder.REMAKE, remake_key=f"test-{work_order.pk}",
        plant=work_order.plant, family_slug=work_order.family_slug, title=work_order.title,
        released_at=timezone.now(), due_at=work_order.due_at,
    )  # fmt: skip


def _form(topic, **fields):
    return {"topic": topic.pk, "subject": "About my tote", "body": "When is it made?",
            "submission": str(uuid.uuid4()), **fields}  # fmt: skip


def _hidden(page, name):
    """The value of the form's hidden field `name` ("" when Django leaves the attribute out)."""
    return re.search(rf'<input type="hidden" name="{name}"(?: value="([^"]*)")?', page)[1] or ""


@pytest.fixture
def ours():
    customer = CustomerFactory()
    order = _made_order(customer)
    return customer, order, order.work_orders.get()


@pytest.fixture
def theirs():
    return _made_order(CustomerFactory()).work_orders.get()


def test_the_workshops_updates_name_the_work_order_they_are_about(ours):
    _customer, order, work_order = ours

    progress = order_progress(order_id=order.pk)

    (entry,) = progress.entries
    assert (entry.label, entry.work_order_id, entry.line_id) == (
        f"{work_order.line.title}: queued for production",
        work_order.pk,
        work_order.line_id,
    )
    assert progress.events == [(entry.at, entry.label)]  # the timeline's pairs, as before


def test_each_workshop_entry_and_remake_on_the_order_page_asks_about_its_work_order(client, ours):
    customer, order, work_order = ours
    remake = _remake_of(work_order)
    client.force_login(customer)

    page = client.get(f"/accounts/orders/{order.number}/").content.decode()

    for work in (work_order, remake):
        link = f'href="/tickets/new/?order={order.number}&amp;line={work.line_id}&amp;work_order={work.pk}"'
        assert link in page
    assert page.count('class="timeline__ask"') == 2


def test_the_link_fills_the_form_with_the_order_item_and_work_order(client, ours):
    customer, order, work_order = ours
    remake = _remake_of(work_order)
    client.force_login(customer)

    page = client.get(f"/tickets/new/?order={order.number}&line={work_order.line_id}&work_order={remake.pk}")
    page = page.content.decode()

    assert (_hidden(page, "order"), _hidden(page, "line"), _hidden(page, "work_order")) == (
        order.number,
        str(work_order.line_id),
        str(remake.pk),
    )
    assert f'value="About Remake of {work_order.title} (order {order.number})"' in page
    assert f"About <strong>Remake of {work_order.title}</strong> in order {order.number}" in page


@pytest.mark.parametrize("which", ["another customer's", "unknown", "not a number"])
def test_a_work_order_that_is_not_theirs_is_left_out_of_the_form(client, ours, theirs, which):
    customer, order, _work_order = ours
    named = {"another customer's": theirs.pk, "unknown": 987654, "not a number": "1;DROP"}[which]
    client.force_login(customer)

    page = client.get(f"/tickets/new/?order={order.number}&work_order={named}").content.decode()

    assert _hidden(page, "work_order") == "" and _hidden(page, "order") == order.number
    assert theirs.order.number not in page and f'value="{theirs.pk}"' not in page


def test_a_customer_opens_a_ticket_about_a_work_order(client, ours, question_topic):
    customer, order, work_order = ours
    client.force_login(customer)

    response = client.post("/tickets/new/", _form(question_topic, order=order.number, line=work_order.line_id,
                                                  work_order=work_order.pk))  # fmt: skip

    assert response.status_code == 302
    ticket = Ticket.objects.get(user=customer)
    assert (ticket.order, ticket.line, ticket.work_order) == (order, work_order.line, work_order)


def test_a_remake_is_linked_as_itself_not_as_the_lines_first_work_order(client, ours, question_topic):
    customer, order, work_order = ours
    remake = _remake_of(work_order)
    client.force_login(customer)

    client.post("/tickets/new/", _form(question_topic, order=order.number, work_order=remake.pk))

    assert Ticket.objects.get(user=customer).work_order == remake


@pytest.mark.parametrize("which", ["another customer's", "unknown", "not a number"])
def test_another_customers_work_order_is_refused_as_a_made_up_one_is(client, ours, theirs, question_topic, which):
    customer, order, work_order = ours
    named = {"another customer's": theirs.pk, "unknown": 987654, "not a number": "1;DROP"}[which]
    client.force_login(customer)

    response = client.post("/tickets/new/", _form(question_topic, order=order.number, line=work_order.line_id,
                                                  work_order=named))  # fmt: skip

    assert response.status_code == 422
    page = response.content.decode()
    assert NOT_FOUND in page
    assert theirs.order.number not in page
    assert not Ticket.objects.filter(user=customer).exists()


def test_a_guest_cannot_name_a_work_order(client, theirs, question_topic):
    data = _form(question_topic, work_order=theirs.pk, name="Gus", email="gus@example.com")

    response = client.post("/tickets/new/", data)

    assert response.status_code == 422 and NOT_FOUND in response.content.decode()
    assert not Ticket.objects.filter(guest_email="gus@example.com").exists()


def test_a_work_order_of_another_of_their_orders_or_items_is_refused(ours, question_topic):
    customer, order, work_order = ours
    other_order = _made_order(customer)
    other_work = other_order.work_orders.get()

    with pytest.raises(services.TicketRefused, match=r"That work order is not for that order\."):
        services.open_ticket(topic=question_topic, user=customer, subject="s", body="b", order=order,
                             work_order=other_work)  # fmt: skip
    with pytest.raises(services.TicketRefused, match=r"That work order is not for that item\."):
        services.open_ticket(topic=question_topic, user=customer, subject="s", body="b", line=order.lines.get(),
                             work_order=other_work)  # fmt: skip
    with pytest.raises(services.TicketRefused, match=NOT_FOUND_PATTERN):
        services.open_ticket(topic=question_topic, user=CustomerFactory(), subject="s", body="b",
                             work_order=work_order)  # fmt: skip
    assert not Ticket.objects.filter(user=customer).exists()
