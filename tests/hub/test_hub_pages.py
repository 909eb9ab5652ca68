"""The account hub: the overview, orders with their timeline, and only ever the customer's own."""

from datetime import timedelta

import pytest
from django.utils import timezone
from oscar.core.loading import get_model

from configurator.services import save_design
from tests.factories import CustomerFactory, OrderFactory

pytestmark = pytest.mark.django_db

Product = get_model("catalogue", "Product")

FRIDGE = ("atelier-fridge", {"hinge": "left", "finish": "sage", "ice_maker": True, "water_kit": True}, 1)


@pytest.fixture
def customer():
    return CustomerFactory(first_name="Grace")


@pytest.fixture
def paid(customer):
    """Paid ten days ago and still open: the workshop has not started it."""
    return OrderFactory(user=customer, status="Paid", placed=timezone.now() - timedelta(days=10))


@pytest.fixture
def delivered(customer):
    """A fridge, placed after the paid order and already delivered."""
    return OrderFactory(
        user=customer, status="Delivered", placed=timezone.now() - timedelta(days=5), configured=[FRIDGE]
    )


@pytest.fixture
def someone_elses():
    return OrderFactory(status="Delivered", placed=timezone.now() - timedelta(days=20))


def test_the_hub_needs_a_login(client):
    response = client.get("/accounts/")

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_overview_greets_the_customer_and_shows_orders_under_way_first(signed_in, customer, paid, delivered):
    for days in (30, 60, 90):
        OrderFactory(user=customer, status="Delivered", placed=timezone.now() - timedelta(days=days))

    html = signed_in.get("/accounts/").content.decode()

    assert "Hello, Grace" in html
    assert html.index(paid.number) < html.index(delivered.number)  # open first, though placed earlier
    assert 'aria-label="Order progress"' in html
    assert "All 5 orders" in html  # more than the overview shows


def test_a_new_customer_sees_what_the_hub_will_hold(signed_in):
    html = signed_in.get("/accounts/").content.decode()

    assert "No orders yet" in html
    assert "Designs you save while configuring wait for you here." in html


def test_order_list_shows_each_order_with_its_progress_and_invoice(signed_in, paid, delivered, someone_elses):
    html = signed_in.get("/accounts/orders/").content.decode()

    assert paid.number in html and delivered.number in html
    assert someone_elses.number not in html
    assert f"/orders/{delivered.number}/invoice.pdf" in html


def test_order_page_shows_the_timeline_and_buy_again(signed_in, delivered):
    html = signed_in.get(f"/accounts/orders/{delivered.number}/").content.decode()

    assert "Where your order is" in html
    assert f'action="/accounts/orders/{delivered.number}/buy-again/"' in html


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/accounts/orders/{}/"),
        ("post", "/accounts/orders/{}/buy-again/"),
        ("get", "/orders/{}/invoice.pdf"),
    ],
)
def test_another_customers_order_is_not_found(signed_in, someone_elses, method, url):
    response = getattr(signed_in, method)(url.format(someone_elses.number))

    assert response.status_code == 404
    assert someone_elses.number.encode() not in response.content


def test_another_customers_order_line_is_not_found(signed_in, someone_elses):
    line = someone_elses.lines.first()

    response = signed_in.post(f"/accounts/orders/{someone_elses.number}/{line.pk}/", {"action": "reorder"})

    assert response.status_code == 404


def test_a_line_id_from_another_order_is_not_found(signed_in, delivered, someone_elses):
    line = someone_elses.lines.first()

    response = signed_in.post(f"/accounts/orders/{delivered.number}/{line.pk}/", {"action": "reorder"})

    assert response.status_code == 404


def test_hub_tabs_lead_everywhere_the_customer_has_something(signed_in):
    html = signed_in.get("/accounts/").content.decode()

    for href in ("/accounts/orders/", "/designs/", "/accounts/notifications/inbox/", "/accounts/data/"):
        assert f'href="{href}"' in html


def test_overview_flags_a_design_whose_product_is_no_longer_sold(signed_in, customer):
    family_slug, values, _ = FRIDGE
    design, _ = save_design(family_slug=family_slug, values=values, owner=customer)
    Product.objects.filter(pk=design.family.product_id).update(is_public=False)

    html = signed_in.get("/accounts/").content.decode()

    entry = html[html.index(design.share_token) :]
    assert entry.index("No longer sold") < entry.index("</li>")


def test_an_invoice_is_kept_where_no_web_server_serves_it(signed_in, delivered, settings, tmp_path):
    settings.MEDIA_ROOT, settings.CARE_PRIVATE_ROOT = tmp_path / "media", tmp_path / "private"

    response = signed_in.get(f"/orders/{delivered.number}/invoice.pdf")

    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    kept = list(tmp_path.rglob("*.pdf"))
    assert len(kept) == 1 and kept[0].is_relative_to(tmp_path / "private")  # not under /media/, whose URLs are public


@pytest.mark.parametrize(
    ("url", "name"),
    [("/accounts/points/", "My points"), ("/accounts/invite/", "Invite friends"), ("/accounts/wallet/", "Wallet")],
)
def test_a_hub_page_names_itself_once_in_the_title_and_the_breadcrumb(signed_in, url, name):
    html = signed_in.get(url).content.decode()

    assert f"<title>\n    {name} | Account |" in html or f"<title>{name} | Account |" in " ".join(html.split())
    assert html.count('aria-current="page"') == 2  # its tab and its breadcrumb, no empty second crumb
    assert f'<li class="breadcrumb-item active" aria-current="page">{name}</li>' in html
