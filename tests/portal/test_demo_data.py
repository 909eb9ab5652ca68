"""`load_demo` builds a believable shop and is idempotent."""

import io

import pytest
from django.apps import apps
from django.core.management import call_command
from oscar.core.loading import get_model

pytestmark = pytest.mark.django_db


def _row_counts():
    return {model._meta.label: model.objects.count() for model in apps.get_models() if model._meta.managed}


def test_second_run_changes_nothing():
    before = _row_counts()
    out = io.StringIO()

    call_command("load_demo", "--no-progress", stdout=out)

    assert _row_counts() == before
    assert "nothing to change" in out.getvalue()


def test_it_prints_every_login():
    out = io.StringIO()

    call_command("load_demo", "--no-progress", stdout=out)

    for email in ("admin@atelier.example", "planner@atelier.example", "editor@atelier.example", "ada@example.com"):
        assert email in out.getvalue()


def test_three_configurable_families_with_stock_and_images():
    product_model = get_model("catalogue", "Product")

    for upc in ("ATL-FRIDGE", "ATL-SOFA", "ATL-TEE"):
        product = product_model.objects.get(upc=upc)
        assert product.stockrecords.get().price > 0
        assert product.images.get().original.name.endswith(".svg")
        assert product.categories.exists()
        assert product.product_class.track_stock is False  # made to order


def test_shoppers_have_order_history_with_a_real_pipeline():
    order_model = get_model("order", "Order")

    # DEMO-10xx: the order history; the factory's demo adds newer paid orders (DEMO-20xx) to plan.
    ada_orders = order_model.objects.filter(user__email="ada@example.com", number__startswith="DEMO-10")
    ada_orders = ada_orders.order_by("date_placed")
    assert [order.status for order in ada_orders] == ["Delivered", "Delivered", "Delivered", "Paid"]
    assert ada_orders.first().status_changes.count() == 4
    assert not order_model.objects.filter(user__email="chloe@example.com").exists()


def test_shipping_methods_and_countries():
    methods = get_model("shipping", "OrderAndItemCharges").objects.order_by("price_per_order")
    assert [method.code for method in methods] == ["standard", "room-of-choice"]
    assert get_model("address", "Country").objects.filter(is_shipping_country=True).count() == 6


def test_the_weeks_work_orders_weigh_by_the_customers_tier():
    from loyalty.selectors.accounts import production_weight
    from production.models import WorkOrder

    ada = WorkOrder.objects.select_related("order").get(order__number="DEMO-2001")  # Ada is a Gold member
    assert ada.weight == production_weight(user_id=ada.order.user_id) > 1
