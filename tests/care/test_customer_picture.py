"""The customer's whole picture beside a ticket: orders with the workshop's stage and dates, points,
tier and segment, earlier tickets and surveys, in a fixed number of queries however long the history."""

from datetime import timedelta

import pytest
from django.utils import timezone

from atelier.orders import OrderStatus
from care import services
from care.customer_picture import LATEST_ORDERS
from care.models import Topic
from loyalty.models import LoyaltyAccount, Segment
from production.models import Operation, PromisedDate, WorkOrder
from production.selectors.progress import order_progress, orders_at_a_glance
from production.services.release import release_order_to_production
from tests.factories import CustomerFactory, LoyaltyAccountFactory, OrderFactory

pytestmark = pytest.mark.django_db

AGENT = "care@atelier.example"
TOTE = ("printed-tote", {"print_text": "Allotment", "ink": "clay"})


def _made_order(customer, *, days_ago=0, quantity=1):
    order = OrderFactory(
        user=customer, configured=[(*TOTE, quantity)], placed=timezone.now() - timedelta(days=days_ago)
    )
    release_order_to_production(order_id=order.pk)
    return order


def _plan(work_order, *, days, status=Operation.PLANNED):
    end = timezone.now() + timedelta(days=days)
    work_order.operations.update(planned_end=end, planned_start=end - timedelta(hours=2), status=status)


def _ticket_about(order, **links):
    topic = Topic.objects.get(slug="order-question")
    return services.open_ticket(topic=topic, user=order.user, subject="Where is it?", body="b", order=order, **links)[0]


def test_an_orders_glance_agrees_with_the_shoppers_timeline():
    customer = CustomerFactory()
    waiting, planned, started = (_made_order(customer) for _ in range(3))
    _plan(planned.work_orders.get(), days=3)
    _plan(started.work_orders.get(), days=1)
    first_step = started.work_orders.get().operations.order_by("sequence").first()
    Operation.objects.filter(pk=first_step.pk).update(status=Operation.STARTED)

    glances = orders_at_a_glance(order_ids=[waiting.pk, planned.pk, started.pk])

    for order in (waiting, planned, started):
        timeline = order_progress(order_id=order.pk)
        glance = glances[order.pk]
        assert (glance.stage, glance.promised_ship_date, glance.planned_ship_date) == (
            timeline.stage,
            timeline.promised_ship_date,
            timeline.planned_ship_date,
        )
    assert [glances[order.pk].stage for order in (waiting, planned, started)] == [
        "waiting",
        "scheduled",
        "in_production",
    ]
    (work,) = glances[planned.pk].work_orders
    assert (work.number, work.stage) == (planned.work_orders.get().number, "scheduled")


def test_a_plan_after_the_promise_is_late_and_a_finished_one_is_not():
    customer = CustomerFactory()
    order = _made_order(customer)
    promise = PromisedDate.objects.get(order=order).ship_date
    _plan(order.work_orders.get(), days=(promise - timezone.localdate()).days + 3)

    glance = orders_at_a_glance(order_ids=[order.pk])[order.pk]
    assert glance.running_late and glance.work_orders[0].running_late

    order.work_orders.get().operations.update(status=Operation.FINISHED, actual_end=timezone.now())
    glance = orders_at_a_glance(order_ids=[order.pk])[order.pk]
    assert glance.stage == "finished" and not glance.running_late
    assert glance.planned_ship_date == timezone.localdate()  # the day it was made


def test_an_order_of_stocked_goods_has_no_glance():
    order = OrderFactory()
    assert orders_at_a_glance(order_ids=[order.pk]) == {}


def test_the_console_shows_orders_with_their_work_points_tier_and_segment(login):
    customer = CustomerFactory(first_name="Nora")
    order = _made_order(customer)
    work_order = order.work_orders.get()
    _plan(work_order, days=2)
    LoyaltyAccountFactory(user=customer, points=250)
    LoyaltyAccount.objects.filter(user=customer).update(segment=Segment.LOYAL)
    earlier = _ticket_about(order)
    ticket = _ticket_about(order, line=order.lines.get())

    page = login(AGENT).get(f"/dashboard/care/{ticket.reference}/").content.decode()

    customer_panel = page[page.index('id="customer"') : page.index('id="trail"')]
    assert "1 order" in customer_panel and order.number in customer_panel
    promised = PromisedDate.objects.get(order=order).ship_date
    assert f"promised {promised:%a} {promised.day} {promised:%b}" in customer_panel
    assert "scheduled" in customer_panel and "planned" in customer_panel
    assert f'<li class="font-weight-bold">{work_order.number} · ' in customer_panel  # the ticket's own
    assert "Loyal (major)" in customer_panel and "250 to spend" in customer_panel
    assert earlier.reference in customer_panel


def test_a_guests_orders_are_found_by_the_address_they_wrote_from(login):
    order = OrderFactory(user=None, status=OrderStatus.PAID)
    order.guest_email = "Guest@Example.com"
    order.save(update_fields=["guest_email"])
    topic = Topic.objects.get(slug="delivery")
    ticket = services.open_ticket(topic=topic, guest_email="guest@example.com", guest_name="Gus Tee",
                                  subject="Parcel", body="b")[0]  # fmt: skip

    page = login(AGENT).get(f"/dashboard/care/{ticket.reference}/").content.decode()

    assert order.number in page[page.index('id="customer"') : page.index('id="trail"')]


def _page_queries(client, ticket, django_assert_max_num_queries, budget):
    with django_assert_max_num_queries(budget) as captured:
        response = client.get(f"/dashboard/care/{ticket.reference}/")
    assert response.status_code == 200
    return len(captured.captured_queries), response.content.decode()


def test_many_orders_take_no_more_queries_than_one(login, django_assert_max_num_queries):
    few, many = CustomerFactory(), CustomerFactory()
    few_order = _made_order(few)
    many_orders = [_made_order(many, days_ago=days) for days in range(LATEST_ORDERS + 4)]
    for order in many_orders[:3]:  # a remake too: a second work order on an order
        line = order.lines.get()
        release = order.work_orders.get()
        WorkOrder.objects.create(order=order, line=line, kind=WorkOrder.REMAKE, remake_key=f"test-{order.pk}",
                                 plant=release.plant, family_slug=release.family_slug, title=release.title,
                                 released_at=timezone.now(), due_at=release.due_at)  # fmt: skip
        for _ in range(3):
            _ticket_about(order)
    client = login(AGENT)
    client.get("/dashboard/care/")  # the session and the menu's caches, as for an agent at work

    one, _ = _page_queries(client, _ticket_about(few_order), django_assert_max_num_queries, 25)
    lots, page = _page_queries(client, _ticket_about(many_orders[0]), django_assert_max_num_queries, 25)

    assert lots <= one + 1  # "the latest 8" counts them: one query, however many
    assert f"{LATEST_ORDERS + 4} orders" in page and f"the latest {LATEST_ORDERS}" in page
    assert many_orders[LATEST_ORDERS - 1].number in page and many_orders[LATEST_ORDERS].number not in page
    assert "Remake of " in page
