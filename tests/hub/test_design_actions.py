"""Saved designs in the hub: add to basket as priced today, delete; only one's own."""

import pytest
from django.contrib.auth import get_user_model

from configurator import services as configurator_services
from configurator.models import SavedDesign

pytestmark = pytest.mark.django_db


def design_of(email, **values):
    owner = get_user_model().objects.get(email=email)
    design, _ = configurator_services.save_design(
        family_slug="atelier-fridge", values=values, owner=owner, name="Kitchen"
    )
    return design


def test_design_list_offers_edit_share_basket_and_delete(login):
    design = design_of("ada@example.com", hinge="left")

    html = login("ada@example.com").get("/designs/").content.decode()

    assert f"/configure/atelier-fridge/?design={design.uuid}" in html
    assert f"/designs/{design.uuid}/basket/" in html
    assert f"/designs/{design.share_token}/" in html
    assert f"/designs/{design.uuid}/delete/" in html


def test_a_design_goes_into_the_basket(login):
    design = design_of("ada@example.com", hinge="left")
    client = login("ada@example.com")

    response = client.post(f"/designs/{design.uuid}/basket/")

    assert response.status_code == 302 and response["Location"] == "/basket/"
    assert client.get("/basket/").context["basket"].num_items == 1


@pytest.mark.parametrize("action", ["basket", "delete"])
def test_another_customers_design_is_not_found(login, action):
    design = design_of("ben@example.com")

    response = login("ada@example.com").post(f"/designs/{design.uuid}/{action}/")

    assert response.status_code == 404
    assert SavedDesign.objects.filter(pk=design.pk).exists()


def test_a_design_is_deleted_by_its_owner(login):
    design = design_of("ada@example.com")

    login("ada@example.com").post(f"/designs/{design.uuid}/delete/")

    assert not SavedDesign.objects.filter(pk=design.pk).exists()
