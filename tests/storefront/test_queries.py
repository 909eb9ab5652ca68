"""What a product page costs when it is rendered (not served from the page cache): a fixed number of
queries, whatever the rules, categories and options around it."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from oscar.core.loading import get_model

from loyalty.models import Campaign
from tests.storefront.people import STOCKED_UPC

pytestmark = pytest.mark.django_db

Product = get_model("catalogue", "Product")


@pytest.fixture
def rendered_every_time(settings):
    settings.STOREFRONT_PAGE_CACHE_SECONDS = 0


def test_the_stocked_product_page_renders_in_at_most_10_queries(rendered_every_time, django_assert_max_num_queries):
    url = Product.objects.get(upc=STOCKED_UPC).get_absolute_url()
    Client().get(url)  # the earning rules its points preview reads are kept from the first visitor on

    with django_assert_max_num_queries(10):
        response = Client().get(url)

    assert response.status_code == 200
    assert "data-earn-points" in response.content.decode()
    assert 'href="/catalogue/category/kitchen_' in response.content.decode()  # the breadcrumb's category


def test_the_breadcrumb_names_the_products_category_and_its_parents(rendered_every_time):
    product = Product.objects.get(upc=STOCKED_UPC)

    html = Client().get(product.get_absolute_url()).content.decode()

    start = html.index('aria-label="breadcrumb"')
    breadcrumb = html[start : html.index("</nav>", start)]
    assert [name for name in ("Kitchen", "Spare parts", product.title) if name in breadcrumb] == [
        "Kitchen",
        "Spare parts",
        product.title,
    ]


def _points_shown(path):
    return int(re.search(r"Earn (\d+) points", Client().get(path).content.decode()).group(1))


def test_a_campaign_shows_at_once_in_the_points_preview(rendered_every_time):
    stocked = Product.objects.get(upc=STOCKED_UPC).get_absolute_url()
    before = _points_shown(stocked)
    today = timezone.localdate()
    Campaign.objects.create(
        name="Tenfold", starts_on=today - timedelta(days=1), ends_on=today + timedelta(days=1), multiplier=10
    )

    assert _points_shown(stocked) > before
