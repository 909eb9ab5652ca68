"""Saving designs is limited per client address, the JSON API's and the page's together; the
no-JavaScript page's price update and basket add count against the quote limit, as the live
update does. Past a limit nothing is saved or added, and the page keeps the shopper's choices."""

import pytest
from django.test import Client, override_settings

from configurator.models import SavedDesign
from configurator.throttling import design_save_limit
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

FRIDGE = "/configure/atelier-fridge/"
API_DESIGNS = "/api/configurator/designs/"
API_QUOTE = "/api/configurator/families/atelier-fridge/quote/"
CSRF_TOKEN = "h" * 32

SAVE_REFUSED = (
    "Design not saved: too many designs were saved from your connection in a short time. "
    "Your choices are kept; try again in 1\xa0minute."  # timeuntil's words, joined by a no-break space
)
PRICE_REFUSED = (
    "Price not updated: too many price checks came from your connection in a short time. "
    "Your choices are kept; try again in 1\xa0minute."  # timeuntil's words, joined by a no-break space
)
BASKET_REFUSED = (
    "Not added to your basket: too many requests came from your connection in a short time. "
    "Your choices are kept; try again in 1\xa0minute."  # timeuntil's words, joined by a no-break space
)


def visitor(address="198.51.100.7"):
    client = Client(REMOTE_ADDR=address)
    client.cookies["csrftoken"] = CSRF_TOKEN
    return client


def api_save(client, **values):
    return client.post(
        API_DESIGNS,
        {"family": "atelier-fridge", "values": {"hinge": "left", **values}},
        content_type="application/json",
        headers={"X-CSRFToken": CSRF_TOKEN},
    )


def page_save(client, follow=False, **fields):
    return client.post(FRIDGE, {"action": "save", "hinge": "left", "finish": "clay", **fields}, follow=follow)


def designs():
    return SavedDesign.objects.filter(is_preset=False).count()


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def option_value(response, code):
    return next(option.value for option in response.context["panel"].options if option.code == code)


def test_the_default_is_thirty_saves_a_minute_per_address():
    assert (design_save_limit().count, design_save_limit().period) == (30, 60)


@override_settings(CONFIGURATOR_DESIGN_SAVE_RATE="3/m", TRUSTED_PROXY_COUNT=0)
def test_the_api_saves_up_to_the_limit_then_refuses_with_the_documented_error():
    client = visitor()
    before = designs()

    statuses = [api_save(client).status_code for _ in range(5)]

    assert statuses == [201, 201, 201, 429, 429]
    assert designs() == before + 3
    refused = api_save(client)
    assert refused.json() == {"detail": "Too many requests.", "errors": [], "current_version": None}
    assert refused["Retry-After"] == "60"


@override_settings(CONFIGURATOR_DESIGN_SAVE_RATE="3/m", TRUSTED_PROXY_COUNT=0)
def test_each_address_has_its_own_allowance():
    first, second = visitor("198.51.100.7"), visitor("198.51.100.8")

    assert [api_save(first).status_code for _ in range(4)] == [201, 201, 201, 429]
    assert api_save(second).status_code == 201


def test_the_api_documents_the_refusal():
    document = Client().get("/api/openapi.json").json()
    responses = document["paths"][API_DESIGNS]["post"]["responses"]

    assert responses["429"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorOut"}


@override_settings(CONFIGURATOR_DESIGN_SAVE_RATE="2/m", TRUSTED_PROXY_COUNT=0)
def test_the_page_refuses_past_the_limit_saves_nothing_and_keeps_the_choices():
    client = visitor()
    assert [page_save(client, follow=True, name=f"Fridge {n}").status_code for n in range(2)] == [200, 200]
    before = designs()

    response = page_save(client, name="Third fridge", engraving="The Byrons")

    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert messages_of(response) == [SAVE_REFUSED]
    assert designs() == before
    assert (option_value(response, "hinge"), option_value(response, "finish")) == ("left", "clay")
    assert option_value(response, "engraving") == "The Byrons"
    assert 'value="Third fridge"' in response.content.decode()  # the name typed, too
    assert "Price not updated" in response.content.decode()  # checked, not priced


@override_settings(CONFIGURATOR_DESIGN_SAVE_RATE="3/m", TRUSTED_PROXY_COUNT=0)
def test_the_page_and_the_api_share_one_allowance():
    client = visitor()

    statuses = [api_save(client).status_code, page_save(client).status_code, api_save(client).status_code]

    assert statuses == [201, 302, 201]
    assert page_save(client).status_code == 429
    assert api_save(client).status_code == 429


@override_settings(CONFIGURATOR_DESIGN_SAVE_RATE="1/m", TRUSTED_PROXY_COUNT=0)
def test_an_owner_editing_a_design_past_the_limit_keeps_the_design_as_it_was(client):
    owner = CustomerFactory()
    client.force_login(owner)
    assert page_save(client, follow=True).status_code == 200
    design = SavedDesign.objects.get(owner=owner)

    response = page_save(client, design=str(design.uuid), hinge="right")

    assert response.status_code == 429
    design.refresh_from_db()
    assert design.values["hinge"] == "left"
    assert option_value(response, "hinge") == "right"
    assert response.context["panel"].design == design  # still editing it: the next save updates it


@override_settings(CONFIGURATOR_QUOTE_RATE="2/m", TRUSTED_PROXY_COUNT=0)
def test_the_no_javascript_price_update_counts_against_the_quote_limit():
    client = visitor()
    updates = [client.post(FRIDGE, {"action": "update", "hinge": "left"}).status_code for _ in range(2)]

    response = client.post(FRIDGE, {"action": "update", "hinge": "left", "capacity": "450", "name": "Big one"})

    assert updates == [200, 200]
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert messages_of(response) == [PRICE_REFUSED]
    assert response.context["panel"].configuration.quote is None  # not priced past the limit
    assert (option_value(response, "hinge"), option_value(response, "capacity")) == ("left", "450")
    assert 'value="Big one"' in response.content.decode()


@override_settings(CONFIGURATOR_QUOTE_RATE="2/m", TRUSTED_PROXY_COUNT=0)
def test_the_page_update_and_the_live_quotes_share_one_limit():
    client = visitor()

    statuses = [
        client.post(API_QUOTE, {"values": {}}, content_type="application/json").status_code,
        client.post(FRIDGE, {"action": "update"}).status_code,
        client.post(API_QUOTE, {"values": {}}, content_type="application/json").status_code,
        client.post(FRIDGE, {"action": "update"}).status_code,
    ]

    assert statuses == [200, 200, 429, 429]


@override_settings(CONFIGURATOR_QUOTE_RATE="1/m", TRUSTED_PROXY_COUNT=0)
def test_opening_the_page_on_chosen_values_counts_against_the_quote_limit():
    client = visitor()
    assert client.get(FRIDGE, {"hinge": "left"}).status_code == 200

    response = client.get(FRIDGE, {"hinge": "left", "finish": "clay"})

    assert response.status_code == 429
    assert messages_of(response) == [PRICE_REFUSED]
    assert option_value(response, "finish") == "clay"


@override_settings(CONFIGURATOR_QUOTE_RATE="1/m", TRUSTED_PROXY_COUNT=0)
def test_adding_to_the_basket_past_the_quote_limit_adds_nothing():
    client = visitor()
    assert client.post(FRIDGE, {"action": "update"}).status_code == 200

    response = client.post(FRIDGE, {"action": "basket", "hinge": "left"})

    assert response.status_code == 429
    assert messages_of(response) == [BASKET_REFUSED]
    assert option_value(response, "hinge") == "left"
    assert client.get("/basket/").context["basket"].num_items == 0
