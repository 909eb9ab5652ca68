"""A saved design whose product is withdrawn (the product unpublished, or its family's version
withdrawn) stays listed, flagged "No longer sold": it can be looked at and deleted, and is
refused, in words, wherever it would be bought, edited or saved again. Every page that shows or
acts on a design, for its owner, another customer and an anonymous visitor."""

import pytest
from django.test import Client
from oscar.core.loading import get_model

from configurator import services
from configurator.models import ProductFamily, SavedDesign
from configurator.selectors import forget_families_by_product, forget_published_family
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

Product = get_model("catalogue", "Product")
Basket = get_model("basket", "Basket")
Line = get_model("basket", "Line")

FRIDGE = "atelier-fridge"
NOT_SOLD_FLAG = "No longer sold."
NOT_ADDED = "Not added to your basket: This product is no longer sold."


def product_unpublished():
    Product.objects.filter(upc="ATL-FRIDGE").update(is_public=False)


def family_withdrawn():
    ProductFamily.objects.filter(slug=FRIDGE).update(current_version=None)
    forget_published_family(FRIDGE)
    forget_families_by_product()


WITHDRAWALS = {"product_unpublished": product_unpublished, "family_withdrawn": family_withdrawn}


@pytest.fixture(params=sorted(WITHDRAWALS))
def withdraw(request):
    return WITHDRAWALS[request.param]


@pytest.fixture
def owner():
    return CustomerFactory()


@pytest.fixture
def design(owner):
    """The owner's fridge, saved while it was sold: their only design."""
    design, _ = services.save_design(
        family_slug=FRIDGE, values={"hinge": "left", "finish": "clay"}, owner=owner, name="Old kitchen fridge"
    )
    return design


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def open_basket_lines(user):
    return list(Line.objects.filter(basket__owner=user, basket__status=Basket.OPEN).values_list("pk", flat=True))


def test_the_fridge_is_sold_until_withdrawn(design, withdraw):
    assert design.is_sold
    withdraw()
    assert not SavedDesign.objects.select_related("family__product").get(pk=design.pk).is_sold


# --- My designs (/designs/, the hub's designs tab) ------------------------------------------


def test_the_owner_sees_the_design_listed_and_flagged_with_only_delete_offered(owner, design, withdraw):
    withdraw()

    response = signed_in(owner).get("/designs/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Old kitchen fridge" in html
    assert html.count("data-not-sold") == 1
    assert f"/designs/{design.uuid}/delete/" in html
    assert f"/designs/{design.uuid}/basket/" not in html
    assert f"?design={design.uuid}" not in html  # no Edit


def test_a_sold_design_beside_it_keeps_every_action(owner, design, withdraw):
    withdraw()
    tote, _ = services.save_design(family_slug="printed-tote", values={}, owner=owner, name="Market tote")

    html = signed_in(owner).get("/designs/").content.decode()

    assert html.count("data-not-sold") == 1  # the fridge only
    assert f"/designs/{tote.uuid}/basket/" in html
    assert f"/configure/printed-tote/?design={tote.uuid}" in html


def test_another_customers_list_does_not_show_it(design, withdraw):
    withdraw()

    html = signed_in(CustomerFactory()).get("/designs/").content.decode()

    assert "Old kitchen fridge" not in html


def test_the_list_asks_an_anonymous_visitor_to_sign_in(client, design, withdraw):
    withdraw()

    response = client.get("/designs/")

    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_hub_overview_still_lists_it(owner, design, withdraw):
    withdraw()

    response = signed_in(owner).get("/accounts/")

    assert response.status_code == 200
    assert "Old kitchen fridge" in response.content.decode()


# --- Add to basket --------------------------------------------------------------------------


def test_the_owners_add_to_basket_is_refused_in_words(owner, design, withdraw):
    withdraw()
    client = signed_in(owner)
    before = open_basket_lines(owner)

    response = client.post(f"/designs/{design.uuid}/basket/", follow=True)

    assert response.status_code == 200
    assert response.redirect_chain == [("/designs/", 302)]
    assert messages_of(response) == [NOT_ADDED]
    assert open_basket_lines(owner) == before


def test_another_customers_add_to_basket_is_404(design, withdraw):
    withdraw()
    other = CustomerFactory()
    before = open_basket_lines(other)

    response = signed_in(other).post(f"/designs/{design.uuid}/basket/")

    assert response.status_code == 404
    assert open_basket_lines(other) == before


def test_an_anonymous_add_to_basket_is_sent_to_sign_in(client, design, withdraw):
    withdraw()

    response = client.post(f"/designs/{design.uuid}/basket/")

    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_design_pages_add_to_basket_is_refused_in_words(client):
    """The shared page's own 'Add to basket' posts the values to the configure page."""
    product_unpublished()

    response = client.post(f"/configure/{FRIDGE}/", {"action": "basket", "hinge": "left"})

    assert response.status_code == 422
    assert messages_of(response) == [NOT_ADDED]


# --- Delete ---------------------------------------------------------------------------------


def test_the_owner_deletes_it(owner, design, withdraw):
    withdraw()

    response = signed_in(owner).post(f"/designs/{design.uuid}/delete/")

    assert response.status_code == 302 and response["Location"] == "/designs/"
    assert not SavedDesign.objects.filter(pk=design.pk).exists()


def test_another_customer_cannot_delete_it(design, withdraw):
    withdraw()

    response = signed_in(CustomerFactory()).post(f"/designs/{design.uuid}/delete/")

    assert response.status_code == 404
    assert SavedDesign.objects.filter(pk=design.pk).exists()


def test_an_anonymous_visitor_cannot_delete_it(client, design, withdraw):
    withdraw()

    response = client.post(f"/designs/{design.uuid}/delete/")

    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert SavedDesign.objects.filter(pk=design.pk).exists()


# --- The shared page (/designs/<token>/) ----------------------------------------------------


def shared_page(client, design):
    response = client.get(f"/designs/{design.share_token}/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_owner_sees_it_flagged_as_saved_with_delete_and_nothing_to_buy(owner, design, withdraw):
    withdraw()

    html = shared_page(signed_in(owner), design)

    assert "data-not-sold" in html and NOT_SOLD_FLAG in html
    assert "Door opens on the</dt><dd>Left" in html  # the choices as saved
    assert "<svg" in html  # and its drawing
    assert f"/designs/{design.uuid}/delete/" in html
    for offer in ("Add to basket", "Edit this design", "Start a copy", "£"):
        assert offer not in html


def test_another_customer_sees_it_flagged_read_only(design, withdraw):
    withdraw()

    html = shared_page(signed_in(CustomerFactory()), design)

    assert NOT_SOLD_FLAG in html and "Door opens on the</dt><dd>Left" in html
    for offer in ("Add to basket", "Start from this design", "Delete this design"):
        assert offer not in html


def test_an_anonymous_visitor_sees_it_flagged_read_only(design, withdraw):
    withdraw()

    html = shared_page(Client(), design)

    assert NOT_SOLD_FLAG in html
    for offer in ("Add to basket", "Start from this design", "Delete this design"):
        assert offer not in html


def test_a_design_whose_version_is_gone_still_shows_flagged(client, design):
    """A family deleted from the drafts' history: nothing left to read its choices by."""
    family_withdrawn()
    design.family.versions.all().delete()

    html = shared_page(client, design)

    assert NOT_SOLD_FLAG in html


# --- Saving one again -----------------------------------------------------------------------


def test_a_design_of_an_unpublished_product_is_not_saved_from_the_page(owner, design):
    product_unpublished()
    client = signed_in(owner)

    response = client.post(f"/configure/{FRIDGE}/", {"action": "save", "design": str(design.uuid), "hinge": "right"})

    assert response.status_code == 422
    assert messages_of(response) == ["Design not saved: This product is no longer sold."]
    design.refresh_from_db()
    assert design.values["hinge"] == "left"


def test_a_design_of_an_unpublished_product_is_not_saved_through_the_api(client):
    product_unpublished()
    client.cookies["csrftoken"] = "h" * 32
    before = SavedDesign.objects.count()

    response = client.post(
        "/api/configurator/designs/",
        {"family": FRIDGE, "values": {}},
        content_type="application/json",
        headers={"X-CSRFToken": "h" * 32},
    )

    assert response.status_code == 422
    assert response.json() == {
        "detail": "This product is no longer sold.",
        "errors": [{"field": None, "rule": None, "code": "not_sold", "message": "This product is no longer sold."}],
        "current_version": None,
    }
    assert SavedDesign.objects.count() == before


def test_editing_a_design_of_a_withdrawn_family_is_404(owner, design):
    """Its configure page is gone with its family, for the owner as for anyone."""
    family_withdrawn()

    assert signed_in(owner).get(f"/configure/{FRIDGE}/?design={design.uuid}").status_code == 404
