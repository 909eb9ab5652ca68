"""The storefront's links into the dashboard are shown to whoever may open their page, by the
dashboard's own answer (portal.dashboard_access.may_open), and to no one else."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Permission
from oscar.core.loading import get_model

from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

Category = get_model("catalogue", "Category")


def links(response, text):
    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    return [a["href"] for a in page.find_all("a") if a.get_text(strip=True) == text]


CUSTOMER = "customer@factory.example"


@pytest.fixture
def customer():
    return CustomerFactory(email=CUSTOMER)


@pytest.fixture
def partner_user():
    """Not staff, but Oscar lets a partner with dashboard access into the dashboard."""
    user = CustomerFactory(email="fulfilment@partner.example")
    user.user_permissions.add(Permission.objects.get(codename="dashboard_access", content_type__app_label="partner"))
    return user


@pytest.mark.parametrize(
    ("email", "shown"),
    [
        ("admin@atelier.example", True),
        ("planner@atelier.example", True),
        ("fulfilment@partner.example", True),  # was hidden: not is_staff
        ("editor@atelier.example", False),  # Wagtail's, not the dashboard's
        (CUSTOMER, False),
    ],
)
def test_the_header_links_the_dashboard_for_whoever_may_open_it(login, partner_user, customer, email, shown):
    client = login(email)

    assert links(client.get("/about/"), "Dashboard") == (["/dashboard/"] if shown else [])
    assert client.get("/dashboard/").status_code == (200 if shown else 403)


@pytest.mark.parametrize(
    ("email", "shown"),
    [
        ("admin@atelier.example", True),
        ("planner@atelier.example", False),  # was shown (is_staff) and answered 403
        (CUSTOMER, False),
    ],
)
def test_edit_this_category_is_linked_for_whoever_may_edit_it(login, customer, email, shown):
    category = Category.objects.get(name="Refrigerators")
    edit_url = f"/dashboard/catalogue/categories/{category.pk}/update/"
    client = login(email)

    assert links(client.get(category.get_absolute_url()), "Edit this category") == ([edit_url] if shown else [])
    assert client.get(edit_url).status_code == (200 if shown else 403)


@pytest.mark.parametrize(
    ("email", "shown"),
    [
        ("admin@atelier.example", True),
        ("planner@atelier.example", False),  # was shown (is_staff) and answered 403
        (CUSTOMER, False),
    ],
)
def test_edit_this_product_is_linked_on_a_configurable_product_for_whoever_may_edit_it(login, customer, email, shown):
    fridge = get_model("catalogue", "Product").objects.get(upc="ATL-FRIDGE")
    edit_url = f"/dashboard/catalogue/products/{fridge.pk}/"
    client = login(email)

    assert links(client.get(fridge.get_absolute_url()), "Edit this product") == ([edit_url] if shown else [])
    assert client.get(edit_url).status_code == (200 if shown else 403)
