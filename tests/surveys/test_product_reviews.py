"""Configurable products' pages (the configurator takes Oscar's product block) show their reviews."""

import pytest
from oscar.core.loading import get_model

from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

Product = get_model("catalogue", "Product")
ProductReview = get_model("reviews", "ProductReview")


def review(product, score, title, body="Good."):
    return ProductReview.objects.create(
        product=product, user=CustomerFactory(), score=score, title=title, body=body, status=ProductReview.APPROVED
    )


def test_the_fridge_page_shows_its_average_and_reviews_escaped(client):
    fridge = Product.objects.get(upc="ATL-FRIDGE")
    ProductReview.objects.filter(product=fridge).delete()  # the demo's
    review(fridge, 5, "Fits the alcove")
    review(fridge, 4, "<script>x</script>Quiet", body="<img src=x onerror=alert(1)>Cold.")
    fridge.refresh_from_db()

    page = client.get(fridge.get_absolute_url()).content.decode()

    assert "data-configurator" in page  # still the configurator's page
    assert "data-product-reviews" in page
    assert f"{fridge.rating:.1f} of 5 from 2 reviews" in page
    assert "Fits the alcove" in page
    assert "<script>x</script>" not in page and "&lt;script&gt;x&lt;/script&gt;Quiet" in page
    assert "onerror" not in page


def test_a_fridge_without_reviews_says_so(client):
    fridge = Product.objects.get(upc="ATL-FRIDGE")
    ProductReview.objects.filter(product=fridge).delete()
    page = client.get(fridge.get_absolute_url()).content.decode()
    assert "No reviews yet." in page


def test_the_fridge_page_with_many_reviews_stays_within_fifteen_queries(client, django_assert_max_num_queries):
    fridge = Product.objects.get(upc="ATL-FRIDGE")
    for n in range(5):
        review(fridge, 3 + n % 3, f"Review {n}")
    url = fridge.get_absolute_url()
    client.get(url)
    with django_assert_max_num_queries(15):
        page = client.get(url).content.decode()
    assert "See all reviews" in page
