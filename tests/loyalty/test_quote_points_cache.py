"""The live quote's "Earn N points" line reads the product's earning scope (class and categories)
once per process and scope version (`previews.product_scope_for`): no query for a guest's quote,
and a change to the product's categories or class, or to the earning rules, shows at once."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from oscar.core.loading import get_model

from configurator.selectors import published_family
from loyalty.models import EarnMultiplier
from loyalty.selectors import previews

Category = get_model("catalogue", "Category")
Product = get_model("catalogue", "Product")
ProductCategory = get_model("catalogue", "ProductCategory")
ProductClass = get_model("catalogue", "ProductClass")

FAMILY = "printed-tee"
VALUES = {"colour": "navy", "print_text": "Hi", "quantity": "1"}

pytestmark = pytest.mark.django_db


def earned(client):
    html = client.post(f"/configure/{FAMILY}/quote/", VALUES).json()["quote_html"]
    match = re.search(r"Earn (\d+) points?", html)
    return int(match.group(1)) if match else 0


@pytest.fixture
def product():
    return Product.objects.get(pk=published_family(FAMILY).product_id)


@pytest.fixture
def tenfold_category():
    # The demo's printed goods already earn ×2 and the largest multiplier counts: ×10 is 5 × as many.
    category = Category.add_root(name="Ten times the points")
    EarnMultiplier.objects.create(category=category, multiplier=Decimal("10"))
    return category


def test_a_guests_quote_reads_no_query_once_the_scope_is_known(client):
    before = earned(client)
    assert before > 0
    with CaptureQueriesContext(connection) as queries:
        assert earned(client) == before
    assert [q["sql"] for q in queries.captured_queries] == []


def test_adding_and_removing_a_category_changes_the_points_at_once(client, product, tenfold_category):
    before = earned(client)
    product.categories.add(tenfold_category)  # m2m_changed
    assert earned(client) == 5 * before
    product.categories.remove(tenfold_category)
    assert earned(client) == before


def test_a_category_link_saved_or_deleted_on_its_own_changes_the_points(client, product, tenfold_category):
    before = earned(client)
    link = ProductCategory.objects.create(product=product, category=tenfold_category)  # post_save
    assert earned(client) == 5 * before
    link.delete()  # post_delete
    assert earned(client) == before


def test_deleting_the_category_changes_the_points(client, product, tenfold_category):
    before = earned(client)
    product.categories.add(tenfold_category)
    assert earned(client) == 5 * before
    tenfold_category.delete()  # its links go with it (cascade), each a post_delete; so does the multiplier
    assert earned(client) == before


def test_a_new_product_class_changes_the_points(client, product):
    before = earned(client)
    twentyfold = ProductClass.objects.create(name="Twenty times the points")
    EarnMultiplier.objects.create(product_class=twentyfold, multiplier=Decimal("20"))
    assert earned(client) == before  # a new rule alone, not for this product's class
    product.product_class = twentyfold
    product.save()  # post_save of the product
    assert earned(client) == 10 * before


def test_the_scope_is_read_once_per_version_and_again_after_a_change(product, tenfold_category):
    previews.product_scope_for(product.pk)
    with CaptureQueriesContext(connection) as queries:
        first = previews.product_scope_for(product.pk)
    assert len(queries) == 0
    assert tenfold_category.pk not in first[1]
    product.categories.add(tenfold_category)
    with CaptureQueriesContext(connection) as queries:
        second = previews.product_scope_for(product.pk)
    assert len(queries) >= 1
    assert tenfold_category.pk in second[1]


def test_a_missing_product_has_no_scope_and_earns_nothing():
    missing = (Product.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000
    assert previews.product_scope_for(missing) is None
    assert previews.points_for_product_id(user=None, product_id=missing, amount=Decimal("100")) == 0


def test_the_cached_scope_matches_the_product_page_preview(product, tenfold_category):
    product.categories.add(tenfold_category)
    fresh = Product.objects.get(pk=product.pk)
    assert previews.points_for_product_id(user=None, product_id=product.pk, amount=Decimal("123.45")) == (
        previews.points_for_product(user=None, product=fresh, amount=Decimal("123.45"))
    )
