"""Merchandisers edit families in the admin and publish from there; the draft's problems show as they edit."""

import pytest

from configurator.models import ProductFamily
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_family_page_lists_draft_problems_and_publishes(login):
    client = login("admin@atelier.example")
    family = ProductFamily.objects.get(slug="modular-sofa")

    page = client.get(f"/django-admin/configurator/productfamily/{family.pk}/change/")
    assert page.status_code == 200
    assert "this draft can be published" in page.content.decode()

    response = client.get(f"/django-admin/configurator/productfamily/{family.pk}/publish/", follow=True)

    assert "Version 2 of The Modular Sofa is live." in response.content.decode()
    family.refresh_from_db()
    assert family.current_version.number == 2


def test_a_broken_draft_shows_its_problems_and_is_not_published(login):
    client = login("admin@atelier.example")
    family = ProductFamily.objects.get(slug="modular-sofa")
    family.options.filter(code="fabric").update(default="tweed")

    page = client.get(f"/django-admin/configurator/productfamily/{family.pk}/change/").content.decode()
    response = client.get(f"/django-admin/configurator/productfamily/{family.pk}/publish/", follow=True)

    assert "tweed" in page
    assert "tweed" in response.content.decode()
    family.refresh_from_db()
    assert family.current_version.number == 1


@pytest.mark.parametrize("email", ["planner@atelier.example", "editor@atelier.example", None])  # None: a customer
def test_other_roles_cannot_edit_families(login, email):
    client = login(email or CustomerFactory().email)
    family = ProductFamily.objects.get(slug="modular-sofa")

    response = client.get(f"/django-admin/configurator/productfamily/{family.pk}/publish/")

    assert response.status_code == 302
    assert "/django-admin/login/" in response["Location"]
    family.refresh_from_db()
    assert family.current_version.number == 1
