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
    assert response.json() == {
        "detail": "Version 999 is no longer current; the current version is 1.",
        "errors": [],
        "current_version": 1,
    }


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


def problem(field, message, code="invalid"):
    return {"field": field, "rule": None, "code": code, "message": message}


SOFA_QUOTE = "/api/configurator/families/modular-sofa/quote/"
TEE_QUOTE = "/api/configurator/families/printed-tee/quote/"


@pytest.mark.parametrize(
    ("url", "values", "expected"),
    [
        (SOFA_QUOTE, {"fabric": ["rust"]}, problem("fabric", "Fabric: choose one of the listed options.")),
        (QUOTE, {"hinge": 1}, problem("hinge", "Door opens on the: choose one of the listed options.")),
        (QUOTE, {"hinge": True}, problem("hinge", "Door opens on the: choose one of the listed options.")),
        (QUOTE, {"ice_maker": "true"}, problem("ice_maker", "Ice maker: choose yes or no.")),
        (QUOTE, {"ice_maker": 1}, problem("ice_maker", "Ice maker: choose yes or no.")),
        (QUOTE, {"ice_maker": ["true"]}, problem("ice_maker", "Ice maker: choose yes or no.")),
        (SOFA_QUOTE, {"width": "200"}, problem("width", "Width: enter a whole number.")),
        (SOFA_QUOTE, {"width": 200.5}, problem("width", "Width: enter a whole number.")),
        (SOFA_QUOTE, {"width": 330}, problem("width", "Width: the largest is 320 cm.", "above_max")),
        (TEE_QUOTE, {"quantity": "3"}, problem("quantity", "How many: enter a whole number.")),
        (QUOTE, {"engraving": 42}, problem("engraving", "Engraved door plate: enter some text.")),
        (QUOTE, {"engraving": ["Ada"]}, problem("engraving", "Engraved door plate: enter some text.")),
    ],
)
def test_a_value_of_the_wrong_kind_for_its_option_is_refused_on_its_field(client, url, values, expected):
    response = post(client, url, {"values": values})

    data = response.json()
    assert response.status_code == 422
    assert data["valid"] is False
    assert data["price"] is None
    assert data["errors"] == [expected]


def test_a_list_for_a_choice_is_not_saved_in_a_design(client):
    before = SavedDesign.objects.count()

    response = post(client, "/api/configurator/designs/", {"family": "modular-sofa", "values": {"fabric": ["rust"]}})

    assert response.status_code == 422
    assert response.json() == {
        "detail": "The design breaks the family's rules.",
        "errors": [problem("fabric", "Fabric: choose one of the listed options.")],
        "current_version": None,
    }
    assert SavedDesign.objects.count() == before


def test_values_json_cannot_carry_are_refused_with_the_documented_error(client):
    response = post(client, QUOTE, {"values": {"hinge": {"side": "left"}, "finish": [1]}, "quantity": True})

    assert response.status_code == 422
    assert response.json() == {
        "detail": "The request does not match the API's schema.",
        "errors": [
            problem(
                "values.hinge",
                "Give a string, true or false, a number, a list of strings or null.",
                "option_value",
            ),
            problem(
                "values.finish",
                "Give a string, true or false, a number, a list of strings or null.",
                "option_value",
            ),
            problem("quantity", "Input should be a valid integer", "int_type"),
        ],
        "current_version": None,
    }


def test_an_unreadable_body_is_a_documented_400(client):
    response = client.post(QUOTE, "{not json", content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {"detail": "Cannot parse request body", "errors": [], "current_version": None}


def test_an_unknown_family_is_a_documented_404(client):
    response = client.get("/api/configurator/families/nope/")

    assert response.status_code == 404
    assert response.json() == {"detail": "No configurable product family 'nope'", "errors": [], "current_version": None}


def test_a_family_slug_that_cannot_be_one_is_refused_before_any_lookup(client):
    response = client.get("/api/configurator/families/no%20such%20thing/")

    assert response.status_code == 422
    assert response.json()["errors"] == [
        problem("slug", "String should match pattern '^[-a-zA-Z0-9_]+$'", "string_pattern_mismatch")
    ]


def test_every_answer_of_every_operation_is_documented(client):
    paths = client.get("/api/openapi.json").json()["paths"]

    documented = {
        (method.upper(), path): sorted(operation["responses"])
        for path, item in paths.items()
        for method, operation in item.items()
    }
    assert documented == {
        ("GET", "/api/configurator/families/"): ["200"],
        ("GET", "/api/configurator/families/{slug}/"): ["200", "404", "422"],
        ("POST", "/api/configurator/families/{slug}/quote/"): ["200", "400", "404", "409", "422", "429"],
        ("POST", "/api/configurator/designs/"): ["201", "400", "403", "404", "409", "422", "429"],
    }
    for path, item in paths.items():
        for operation in item.values():
            for status, answer in operation["responses"].items():
                assert "schema" in answer["content"]["application/json"], (path, status)
