"""The hub's queries do not grow with the number of orders shown: the overview and the order list
read each kind of fact once for all the orders on the page (docs/benchmarks.md, #22).

Every order here has everything a timeline reads: a made-to-order line released to the workshop
and planned, a stocked line, a shipment with the carrier's news, a warranty claim decided as a
remake (a second work order), and its status history."""

import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from atelier.orders import OrderStatus
from care.claims import services as claims
from portal.hub.progress import production_progress, production_progress_for
from portal.hub.selectors import timeline_for, timelines_for
from production.delivery_models import TrackingEvent, TrackingStatus
from production.models import Operation, ProductionEvent
from production.services.release import release_order_to_production
from production.services.shipments import advance_order, record_shipment
from tests.factories import OrderFactory, StockedProductFactory

pytestmark = pytest.mark.django_db

TOTE = ("printed-tote", {"print_text": "Allotment", "ink": "clay"}, 2)
AGENT = "care@atelier.example"
# The pages that show several orders, and how many each shows at most.
LISTS = ["/accounts/", "/accounts/orders/"]
# What the order page may read, however much its order went through (42 measured on 7 Dec 2026).
ORDER_PAGE_QUERIES = 45


@pytest.fixture(autouse=True)
def _private_root(settings, tmp_path):
    settings.CARE_PRIVATE_ROOT = tmp_path / "private"


def order_with_everything(customer, django_user_model, *, days_ago):
    order = OrderFactory(
        user=customer,
        configured=[TOTE],
        lines=[(StockedProductFactory(), 1)],
        status=OrderStatus.PAID,
        placed=timezone.now() - timedelta(days=days_ago),
    )
    release_order_to_production(order_id=order.pk)
    end = timezone.now() - timedelta(hours=1)
    Operation.objects.filter(work_order__order=order).update(
        planned_start=end - timedelta(hours=2), planned_end=end, status=Operation.FINISHED, actual_end=end
    )
    shipment, _ = record_shipment(order=order, carrier="DPD", tracking_number=f"1550{order.pk:06d}")
    TrackingEvent.objects.create(
        shipment=shipment,
        event_id=str(uuid.uuid4()),
        status=TrackingStatus.IN_TRANSIT,
        occurred_at=timezone.now(),
        location="Leeds hub",
    )
    advance_order(order_id=order.pk, to=OrderStatus.DELIVERED)
    order.refresh_from_db()
    tote = order.lines.get(title__icontains="tote")
    claim, _ = claims.file_claim(
        user=customer, order=order, line=tote, kind="warranty", reason="The print peels",
        quantity=1, photos=(), submission_key=uuid.uuid4(),
    )  # fmt: skip
    claims.decide_claim(
        claim=claim, decision="remake", reason="Print fault", actor=django_user_model.objects.get(email=AGENT)
    )
    return order


def queries(client, url):
    client.get(url)  # the first request of a test warms per-process caches
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.content.decode()


@pytest.mark.parametrize("url", LISTS)
def test_a_hub_page_listing_orders_reads_as_much_for_six_orders_as_for_one(signed_in, customer, django_user_model, url):
    first = order_with_everything(customer, django_user_model, days_ago=30)
    one, html = queries(signed_in, url)
    assert first.number in html and "Order progress" in html

    others = [order_with_everything(customer, django_user_model, days_ago=20 - day) for day in range(5)]
    six, html = queries(signed_in, url)

    shown = [order.number for order in [first, *others] if order.number in html]
    assert len(shown) == (3 if url == "/accounts/" else 6)
    assert six == one, f"{url}: {one} queries for 1 order, {six} for 6"


def test_the_order_page_reads_a_bounded_number_of_queries(signed_in, customer, django_user_model):
    order = order_with_everything(customer, django_user_model, days_ago=10)
    count, html = queries(signed_in, f"/accounts/orders/{order.number}/")
    assert "Remake" in html and "On its way" in html
    assert count <= ORDER_PAGE_QUERIES, count

    one = OrderFactory(user=customer, lines=[(StockedProductFactory(), 1)])
    six = OrderFactory(user=customer, lines=[(StockedProductFactory(), 1) for _ in range(6)])
    (one_line, _html), (six_lines, html) = (queries(signed_in, f"/accounts/orders/{o.number}/") for o in (one, six))
    assert html.count('class="order-item__title"') == 6
    # Each line's product, picture and options come with the lines; what is left is Oscar's
    # question whether this shopper has reviewed each product (one per stocked line).
    assert six_lines - one_line <= 5, (one_line, six_lines)


def test_a_list_of_timelines_read_together_is_each_orders_own(customer, django_user_model):
    """The batch reads give every order the timeline it has on its own page, whatever it went through."""
    orders = [order_with_everything(customer, django_user_model, days_ago=days) for days in (12, 9)]
    orders += [
        OrderFactory(user=customer),  # stocked goods only
        OrderFactory(user=customer, status=OrderStatus.PENDING_PAYMENT, configured=[TOTE]),
        OrderFactory(user=customer, status=OrderStatus.CANCELLED, configured=[TOTE]),
        OrderFactory(user=customer, status=OrderStatus.REFUNDED, lines=[(StockedProductFactory(), 2)]),
        OrderFactory(user=customer, status=OrderStatus.DELIVERED, history=False),
    ]
    for planned, started in ((False, False), (True, False), (True, True)):
        order = OrderFactory(user=customer, configured=[TOTE], placed=timezone.now() - timedelta(days=3))
        release_order_to_production(order_id=order.pk)
        operations = Operation.objects.filter(work_order__order=order).order_by("sequence")
        if planned:
            operations.update(planned_end=timezone.now() + timedelta(days=2))
        if started:
            Operation.objects.filter(pk=operations.first().pk).update(status=Operation.STARTED)
            ProductionEvent.objects.create(kind="started", description="d", customer_label="Started", order=order)
        orders.append(order)

    together = timelines_for(orders, progress_for=production_progress_for)

    assert [order for order, _timeline in together] == orders
    for order, timeline in together:
        assert timeline == timeline_for(order, production_progress(order)), order.status
    timelines = [timeline for _order, timeline in together]
    assert all(any(getattr(t, facts) for t in timelines) for facts in ("remakes", "claims", "tracking", "entries"))
    assert {t.current.key for t in timelines if t.current} >= {"paid", "scheduled", "in_production", "shipped"}
