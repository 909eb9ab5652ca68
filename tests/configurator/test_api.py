"""The JSON API: strict input, server-side prices, clear 4xx answers that name fields and rules."""

import pytest
from django.test import Client

from configurator.models import SavedDesign

pytestmark = pytest.mark.django_db

QUOTE = "/api/configurator/families/atelier-fridge/quote/"


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_openapi_document_describes_the_endpoints(client):
    document = client.get("/api/openapi.json").json()

    assert document["info"]["title"] == "Atelier API"
    for path in (
        "/api/configurator/families/",
        "/api/configurator/families/{slug}/",
        "/api/configurator/families/{slug}/quote/",
        "/api/configurator/designs/",
    ):
        assert path in document["paths"]


def test_api_docs_page_loads_without_a_cdn(client):
    html = client.get("/api/docs").content.decode()

    assert "swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()


def test_family_schema_is_public_but_keeps_costs_private(client):
    schema = client.get("/api/configurator/families/atelier-fridge/").json()

    assert [option["code"] for option in schema["options"]][:3] == ["country", "hinge", "handle"]
    assert "cost" not in str(schema)
    assert "base_cost" not in schema


def test_valid_configuration_is_priced(client):
    response = post(client, QUOTE, {"values": {"hinge": "left", "finish": "black"}})

    data = response.json()
    assert response.status_code == 200
    assert data["valid"] is True
    assert data["price"]["total"] == "1539.00"
    assert data["lead_days"] >= 6
    assert data["values"]["plug"] == "type_g"


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"hinge": "up"}, "hinge"),
        ({"colour_of_door": "red"}, "colour_of_door"),
        ({"ice_maker": "perhaps"}, "ice_maker"),
        ({"engraving": "x" * 30}, "engraving"),
        ({"engraving": "Hi <there>"}, "engraving"),
    ],
)
def test_bad_values_are_refused_naming_the_field(client, values, field):
    response = post(client, QUOTE, {"values": values})

    assert response.status_code == 422
    assert field in [error["field"] for error in response.json()["errors"]]


def test_numbers_out_of_range_or_off_step_are_refused(client):
    url = "/api/configurator/families/modular-sofa/quote/"

    for width in (150, 330, 215):
        response = post(client, url, {"values": {"width": width}})
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "width"


def test_rule_breaking_combination_names_the_rule(client):
    response = post(client, QUOTE, {"values": {"ice_maker": True, "water_kit": False}})

    errors = response.json()["errors"]
    assert response.status_code == 422
    assert any(error["rule"] and error["message"] == "An ice maker needs the water connection kit." for error in errors)


def test_numeric_constraint_across_options(client):
    response = post(client, "/api/configurator/families/modular-sofa/quote/", {"values": {"width": 160, "depth": 90}})

    assert response.status_code == 422
    assert "The depth can be at most half the width." in [error["message"] for error in response.json()["errors"]]


def test_a_price_sent_by_the_client_is_refused(client):
    response = post(client, QUOTE, {"values": {}, "price": "1.00"})

    assert response.status_code == 422
    assert "price" in str(response.json())


def test_stale_version_is_a_conflict(client):
    response = post(client, QUOTE, {"values": {}, "version": 999})

    assert response.status_code == 409
    assert "no longer current" in response.json()["detail"]


def test_unknown_family_is_404(client):
    assert post(client, "/api/configurator/families/nope/quote/", {"values": {}}).status_code == 404


def test_save_design_needs_the_csrf_token():
    client = Client(enforce_csrf_checks=True)

    before = SavedDesign.objects.count()

    response = post(client, "/api/configurator/designs/", {"family": "atelier-fridge", "values": {"hinge": "left"}})

    assert response.status_code == 403
    assert SavedDesign.objects.count() == before


def test_save_design_returns_a_share_link(client):
    response = post(client, "/api/configurator/designs/", {"family": "atelier-fridge", "values": {"hinge": "left"}})

    data = response.json()
    assert response.status_code == 201
    design = SavedDesign.objects.get(uuid=data["uuid"])
    assert data["share_url"].endswith(f"/designs/{design.share_token}/")
    assert design.values["hinge"] == "left"


def test_invalid_design_is_not_saved(client):
    before = SavedDesign.objects.count()

    response = post(client, "/api/configurator/designs/", {"family": "atelier-fridge", "values": {"ice_maker": True}})

    assert response.status_code == 422
    assert SavedDesign.objects.count() == before
