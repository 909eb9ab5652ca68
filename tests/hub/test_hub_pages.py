"""The account hub: the overview, orders with their timeline, and only ever the customer's own."""

import pytest
from oscar.core.loading import get_model

from configurator.models import SavedDesign

pytestmark = pytest.mark.django_db

Order = get_model("order", "Order")
Product = get_model("catalogue", "Product")


def test_the_hub_needs_a_login(client):
    response = client.get("/accounts/")

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_overview_greets_the_customer_and_shows_orders_under_way_first(login):
    html = login("ada@example.com").get("/accounts/").content.decode()

    assert "Hello, Ada" in html
    assert html.index("DEMO-1004") < html.index("DEMO-1003")  # the paid order is still open
    assert 'aria-label="Order progress"' in html
    assert f"All {Order.objects.filter(user__email='ada@example.com').count()} orders" in html


def test_a_new_customer_sees_what_the_hub_will_hold(login):
    html = login("chloe@example.com").get("/accounts/").content.decode()

    assert "No orders yet" in html
    assert "Designs you save while configuring wait for you here." in html


def test_order_list_shows_each_order_with_its_progress_and_invoice(login):
    html = login("ada@example.com").get("/accounts/orders/").content.decode()

    for number in ("DEMO-1001", "DEMO-1002", "DEMO-1003", "DEMO-1004"):
        assert number in html
    assert "DEMO-1005" not in html  # Ben's
    assert "/orders/DEMO-1002/invoice.pdf" in html


def test_order_page_shows_the_timeline_and_buy_again(login):
    html = login("ada@example.com").get("/accounts/orders/DEMO-1002/").content.decode()

    assert "Where your order is" in html
    assert 'action="/accounts/orders/DEMO-1002/buy-again/"' in html


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/accounts/orders/DEMO-1005/"),
        ("post", "/accounts/orders/DEMO-1005/buy-again/"),
        ("get", "/orders/DEMO-1005/invoice.pdf"),
    ],
)
def test_another_customers_order_is_not_found(login, method, url):
    client = login("ada@example.com")

    response = getattr(client, method)(url)

    assert response.status_code == 404
    assert b"DEMO-1005" not in response.content


def test_another_customers_order_line_is_not_found(login):
    line = Order.objects.get(number="DEMO-1005").lines.first()
    client = login("ada@example.com")

    response = client.post(f"/accounts/orders/DEMO-1005/{line.pk}/", {"action": "reorder"})

    assert response.status_code == 404


def test_a_line_id_from_another_order_is_not_found(login):
    line = Order.objects.get(number="DEMO-1005").lines.first()
    client = login("ada@example.com")

    response = client.post(f"/accounts/orders/DEMO-1002/{line.pk}/", {"action": "reorder"})

    assert response.status_code == 404


def test_hub_tabs_lead_everywhere_the_customer_has_something(login):
    html = login("ada@example.com").get("/accounts/").content.decode()

    for href in ("/accounts/orders/", "/designs/", "/accounts/notifications/inbox/", "/accounts/data/"):
        assert f'href="{href}"' in html


def test_overview_flags_a_design_whose_product_is_no_longer_sold(login):
    client = login("ada@example.com")
    design = SavedDesign.objects.filter(owner__email="ada@example.com", is_preset=False).latest("created_at")
    Product.objects.filter(pk=design.family.product_id).update(is_public=False)

    html = client.get("/accounts/").content.decode()

    entry = html[html.index(design.share_token) :]
    assert entry.index("No longer sold") < entry.index("</li>")
