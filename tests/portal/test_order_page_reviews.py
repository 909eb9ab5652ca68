"""An order's page offers "Write a review" only where a review can be written and read: to a
signed-in customer, for a product whose page shows reviews (a configurable product's page is
its configurator, with no reviews and no review form)."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from oscar.core.loading import get_model

from tests.factories import CustomerFactory, OrderFactory

pytestmark = pytest.mark.django_db

Product = get_model("catalogue", "Product")
ProductReview = get_model("reviews", "ProductReview")


def review_links(response):
    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    return [a["href"] for a in page.find_all("a") if a.get_text(strip=True) == "Write a review"]


def items(response):
    page = BeautifulSoup(response.content, "html.parser")
    return [title.get_text(strip=True) for title in page.select(".order-item__title")]


def add_review_url(upc):
    product = Product.objects.get(upc=upc)
    return (
        reverse("catalogue:reviews-add", kwargs={"product_slug": product.slug, "product_pk": product.pk}) + "#addreview"
    )


@pytest.fixture
def order():
    """A care kit from the shelf and a sofa as designed, delivered."""
    sofa = ("modular-sofa", {"modules": 3, "width": 220, "depth": 95, "fabric": "moss"}, 1)
    kit = Product.objects.get(upc="ATL-CAREKIT")
    return OrderFactory(status="Delivered", lines=[(kit, 1)], configured=[sofa])


def test_a_customer_is_offered_a_review_of_the_stocked_product_not_the_configured_one(client, order):
    client.force_login(order.user)

    response = client.get(f"/accounts/orders/{order.number}/")

    assert review_links(response) == [add_review_url("ATL-CAREKIT")]
    assert items(response) == ["Fabric Care Kit", "The Modular Sofa"]


def test_a_customer_who_reviewed_the_product_is_not_offered_another(client, order):
    ProductReview.objects.create(
        product=Product.objects.get(upc="ATL-CAREKIT"), user=order.user, score=5, title="Works", body="Good kit."
    )
    client.force_login(order.user)

    assert review_links(client.get(f"/accounts/orders/{order.number}/")) == []


def test_a_configurable_products_review_address_has_no_review_form(client):
    """Why the configured line offers none: the address shows the product's configurator."""
    url = add_review_url("ATL-SOFA")
    client.force_login(CustomerFactory())

    response = client.get(url)

    assert response.status_code == 200
    assert b"configurator__header" in response.content
    assert b'id="add_review_form"' not in response.content


def test_a_guest_following_their_order_is_offered_no_review(client, order):
    order.user, order.guest_email = None, "grace@example.com"
    order.save()
    session = client.session
    session["anon_order_email"] = "grace@example.com"  # what the order-status form keeps
    session.save()

    response = client.get(
        reverse("customer:anon-order", kwargs={"order_number": order.number, "hash": order.verification_hash()})
    )

    assert review_links(response) == []
    assert items(response) == ["Fabric Care Kit", "The Modular Sofa"]


def test_a_guest_cannot_post_a_review(client):
    product = get_model("catalogue", "Product").objects.get(upc="ATL-FILTER")
    url = f"/catalogue/{product.slug}_{product.pk}/reviews/add/"

    response = client.post(
        url, {"title": "Buy pills", "score": 5, "body": "spam", "name": "x", "email": "x@example.com"}
    )

    assert response.status_code == 302 and response["Location"] == product.get_absolute_url()
    assert not product.reviews.filter(title="Buy pills").exists()
