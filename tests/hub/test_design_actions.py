"""Saved designs in the hub: add to basket as priced today, delete; only one's own."""

import pytest

from configurator import services as configurator_services
from configurator.models import SavedDesign
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def design_of(owner, **values):
    design, _ = configurator_services.save_design(
        family_slug="atelier-fridge", values=values, owner=owner, name="Kitchen"
    )
    return design


def test_design_list_offers_edit_share_basket_and_delete(signed_in, customer):
    design = design_of(customer, hinge="left")

    html = signed_in.get("/designs/").content.decode()

    assert f"/configure/atelier-fridge/?design={design.uuid}" in html
    assert f"/designs/{design.uuid}/basket/" in html
    assert f"/designs/{design.share_token}/" in html
    assert f"/designs/{design.uuid}/delete/" in html


def test_a_design_goes_into_the_basket(signed_in, customer):
    design = design_of(customer, hinge="left")

    response = signed_in.post(f"/designs/{design.uuid}/basket/")

    assert response.status_code == 302 and response["Location"] == "/basket/"
    assert signed_in.get("/basket/").context["basket"].num_items == 1


@pytest.mark.parametrize("action", ["basket", "delete"])
def test_another_customers_design_is_not_found(signed_in, action):
    design = design_of(CustomerFactory())

    response = signed_in.post(f"/designs/{design.uuid}/{action}/")

    assert response.status_code == 404
    assert SavedDesign.objects.filter(pk=design.pk).exists()


def test_a_design_is_deleted_by_its_owner(signed_in, customer):
    design = design_of(customer)

    signed_in.post(f"/designs/{design.uuid}/delete/")

    assert not SavedDesign.objects.filter(pk=design.pk).exists()
