"""Oscar's product-view analytics, counted in memory and written in batches (portal/product_views.py):
the same numbers Oscar's own receiver writes, none of its three writes on the page itself."""

from datetime import timedelta

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from oscar.core.loading import get_model

from portal import product_views
from portal.pagecache import HIT_HEADER
from tests.factories import CustomerFactory
from tests.storefront.people import CONFIGURABLE_UPC, STOCKED_UPC

pytestmark = pytest.mark.django_db

Product = get_model("catalogue", "Product")
ProductRecord = get_model("analytics", "ProductRecord")
UserRecord = get_model("analytics", "UserRecord")
UserProductView = get_model("analytics", "UserProductView")


def _views(product):
    record = ProductRecord.objects.filter(product=product).first()
    return record.num_views if record else 0


def _customer_views(user):
    record = UserRecord.objects.filter(user=user).first()
    return record.num_product_views if record else 0


def test_a_product_page_writes_no_analytics_row_and_the_flush_writes_oscars_numbers():
    stocked, fridge = Product.objects.get(upc=STOCKED_UPC), Product.objects.get(upc=CONFIGURABLE_UPC)
    customer = CustomerFactory()
    shopper = Client()
    shopper.force_login(customer)
    before = {"stocked": _views(stocked), "fridge": _views(fridge)}
    started = timezone.now()

    with CaptureQueriesContext(connection) as queries:
        for _ in range(3):
            assert shopper.get(stocked.get_absolute_url()).status_code == 200
        shopper.get(fridge.get_absolute_url())
        Client().get(stocked.get_absolute_url(), HTTP_COOKIE="anything=1")  # anonymous, rendered (not the stored page)

    assert not [query for query in queries.captured_queries if "analytics_" in query["sql"]]
    assert product_views.pending() == 5
    assert product_views.flush() == 5
    assert product_views.pending() == 0
    assert _views(stocked) == before["stocked"] + 4
    assert _views(fridge) == before["fridge"] + 1
    assert _customer_views(customer) == 4
    seen = list(UserProductView.objects.filter(user=customer).order_by("pk"))
    assert [view.product_id for view in seen] == [stocked.pk] * 3 + [fridge.pk]
    # Each at the time of its view, not of the flush.
    assert all(started <= view.date_created <= timezone.now() for view in seen)
    assert seen == sorted(seen, key=lambda view: view.date_created)
    assert product_views.flush() == 0  # nothing twice


def test_views_are_written_once_enough_are_waiting(monkeypatch):
    monkeypatch.setattr(product_views, "FLUSH_VIEWS", 3)
    stocked = Product.objects.get(upc=STOCKED_UPC)
    customer = CustomerFactory()
    shopper = Client()
    shopper.force_login(customer)
    before = _views(stocked)

    shopper.get(stocked.get_absolute_url())  # a view and a customer's view: 2 waiting
    assert product_views.pending() == 1
    shopper.get(stocked.get_absolute_url())  # 4: written

    assert product_views.pending() == 0
    assert _views(stocked) == before + 2
    assert _customer_views(customer) == 2


def test_views_are_written_once_the_oldest_is_old_enough(monkeypatch):
    stocked = Product.objects.get(upc=STOCKED_UPC)
    before = _views(stocked)
    anonymous = Client(HTTP_COOKIE="anything=1")
    anonymous.get(stocked.get_absolute_url())
    assert product_views.pending() == 1
    product_views._buffer["since"] -= product_views.FLUSH_SECONDS

    anonymous.get(stocked.get_absolute_url())

    assert product_views.pending() == 0
    assert _views(stocked) == before + 2


def test_a_product_or_customer_deleted_before_the_flush_is_left_out():
    stocked = Product.objects.get(upc=STOCKED_UPC)
    doomed = Product.objects.create(title="Gone before the flush", product_class=stocked.product_class)
    leaving, staying = CustomerFactory(), CustomerFactory()
    for user in (leaving, staying):
        for product in (stocked, doomed):
            product_views.record_product_view(None, product=product, user=user)
    before = _views(stocked)
    doomed.delete()
    leaving.delete()

    product_views.flush()

    assert _views(stocked) == before + 2
    assert not ProductRecord.objects.filter(product_id=doomed.pk).exists()
    assert _customer_views(staying) == 2  # both views happened, as Oscar's receiver would have counted them
    assert not UserRecord.objects.filter(user_id=leaving.pk).exists()
    assert list(UserProductView.objects.filter(user=staying).values_list("product_id", flat=True)) == [stocked.pk]


def test_a_flush_that_fails_keeps_the_views_for_the_next(monkeypatch):
    stocked = Product.objects.get(upc=STOCKED_UPC)
    customer = CustomerFactory()
    product_views.record_product_view(None, product=stocked, user=customer)
    before = _views(stocked)

    def locked(taken):
        raise OperationalError("database is locked")

    with monkeypatch.context() as patch:
        patch.setattr(product_views, "_write", locked)
        assert product_views.flush() == 0
    assert product_views.pending() == 1

    assert product_views.flush() == 1
    assert _views(stocked) == before + 1
    assert UserProductView.objects.filter(user=customer).get().date_created > timezone.now() - timedelta(minutes=1)


def test_a_product_page_served_from_the_page_cache_counts_its_view_too():
    stocked = Product.objects.get(upc=STOCKED_UPC)
    before = _views(stocked)

    first, second = Client().get(stocked.get_absolute_url()), Client().get(stocked.get_absolute_url())

    assert first.get(HIT_HEADER) is None and second[HIT_HEADER] == "hit"
    assert product_views.flush() == 2
    assert _views(stocked) == before + 2


def test_views_kept_through_failed_flushes_stop_at_a_limit(monkeypatch):
    stocked = Product.objects.get(upc=STOCKED_UPC)
    customer = CustomerFactory()
    monkeypatch.setattr(product_views, "KEPT_VIEWS", 3)
    monkeypatch.setattr(product_views, "FLUSH_VIEWS", 1000)

    def locked(taken):
        raise OperationalError("database is locked")

    monkeypatch.setattr(product_views, "_write", locked)
    for _ in range(5):
        product_views.record_product_view(None, product=stocked, user=customer)
    assert product_views.flush() == 0
    assert len(product_views._buffer["views"]) == 3
    assert product_views.pending() == 5  # the counters are kept whole
    product_views.discard()
