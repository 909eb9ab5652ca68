"""The product page is the configurator: live quote, plain-POST fallback, add to basket."""

import json
from decimal import Decimal

import pytest
from oscar.core.loading import get_class, get_model

pytestmark = pytest.mark.django_db

Product = get_model("catalogue", "Product")
Basket = get_model("basket", "Basket")
Selector = get_class("partner.strategy", "Selector")

FRIDGE = "/configure/atelier-fridge/"


def open_basket():
    basket = Basket.objects.filter(status=Basket.OPEN, lines__isnull=False).distinct().get()
    basket.strategy = Selector().strategy()
    return basket


def fridge_url():
    return Product.objects.get(upc="ATL-FRIDGE").get_absolute_url()


def test_product_page_shows_options_price_and_preview(client):
    html = client.get(fridge_url()).content.decode()

    assert "data-configurator" in html
    for label in ("Door opens on the", "Colour", "Ice maker", "Engraved door plate"):
        assert label in html
    assert "£1,449.00" in html  # base 1,299 + the 380 litre default
    assert "<svg" in html and "Preview of your refrigerator" in html
    assert "Made for you and ready to ship by" in html


def test_ordinary_product_keeps_oscars_page(client):
    html = client.get(Product.objects.get(upc="ATL-FILTER").get_absolute_url()).content.decode()

    assert "data-configurator" not in html
    assert "Add to basket" in html


def test_live_quote_returns_price_preview_and_rule_message(client):
    response = client.post(FRIDGE + "quote/", {"hinge": "left", "ice_maker": "true", "water_kit": "false"})

    data = response.json()
    assert response.status_code == 200
    assert data["valid"] is False
    assert "An ice maker needs the water connection kit." in data["quote_html"]
    assert "<svg" in data["preview_svg"]


def test_live_quote_lists_unavailable_choices_with_the_reason(client):
    data = client.post(FRIDGE + "quote/", {"capacity": "300"}).json()

    assert data["options"]["layout"]["reasons"]["wine"] == ["The wine rack needs the 380 or 450 litre body."]
    assert data["options"]["layout"]["blocked"] == ["wine"]


def test_a_choice_that_needs_another_stays_selectable_with_its_reason(client):
    data = client.post(FRIDGE + "quote/", {}).json()

    assert data["options"]["ice_maker"]["reasons"]["true"] == ["An ice maker needs the water connection kit."]
    assert data["options"]["ice_maker"]["blocked"] == []


def test_plain_post_without_javascript_rerenders_with_the_new_price(client):
    response = client.post(FRIDGE, {"action": "update", "finish": "steel", "hinge": "left"})

    assert response.status_code == 200
    assert "£1,569.00" in response.content.decode()  # 1,299 + 150 (380 L) + 120 (steel)


def test_add_to_basket_prices_on_the_server_and_ignores_a_posted_price(client):
    response = client.post(
        FRIDGE,
        {"action": "basket", "hinge": "left", "ice_maker": "true", "water_kit": "true", "price": "1.00", "total": "1"},
    )

    assert response.status_code == 302
    line = open_basket().all_lines()[0]
    assert line.unit_price_incl_tax == Decimal("1637.00")  # 1,299 + 150 + 149 + 39
    assert "Door opens on the: Left" in line.description
    assert "Ice maker: Yes" in line.description


def test_same_configuration_adds_quantity_and_another_adds_a_line(client):
    for values in ({"hinge": "left"}, {"hinge": "left"}, {"hinge": "right"}):
        client.post(FRIDGE, {"action": "basket", **values})

    lines = open_basket().all_lines()
    assert sorted(line.quantity for line in lines) == [1, 2]
    html = client.get("/basket/").content.decode()
    assert html.count("Door opens on the: Left") == 1
    assert html.count("Door opens on the: Right") == 1


def test_rule_breaking_configuration_is_refused_and_nothing_is_added(client):
    response = client.post(FRIDGE, {"action": "basket", "ice_maker": "true", "water_kit": "false"})

    assert response.status_code == 422
    assert "An ice maker needs the water connection kit." in response.content.decode()
    assert not Basket.objects.filter(status=Basket.OPEN, lines__isnull=False).exists()


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"engraving": "x" * 25}, "24"),
        ({"engraving": "<script>"}, "letters, digits"),
        ({"finish": "gold"}, "gold"),
        ({"ice_maker": "perhaps", "water_kit": "true"}, "Ice maker: choose yes or no."),
    ],
)
def test_bad_values_get_form_errors_naming_the_field(client, values, message):
    response = client.post(FRIDGE, {"action": "basket", **values})

    assert response.status_code == 422
    assert message in response.content.decode()
    assert 'value="<script>"' not in response.content.decode()


def test_a_form_and_the_json_api_read_the_same_configuration(client):
    form = client.post(
        "/configure/modular-sofa/quote/", {"modules": "4", "width": "280", "chaise": "left", "fabric": "rust"}
    ).json()
    api = client.post(
        "/api/configurator/families/modular-sofa/quote/",
        {"values": {"modules": 4, "width": 280, "chaise": "left", "fabric": "rust"}},
        content_type="application/json",
    ).json()

    assert form["valid"] is True
    assert api["valid"] is True
    assert api["price"]["unit_after_discount"].replace(",", "") in form["quote_html"].replace(",", "")


def test_configurable_product_cannot_be_bought_through_oscars_own_form(client):
    product = Product.objects.get(upc="ATL-FRIDGE")

    client.post(f"/basket/add/{product.pk}/", {"quantity": 1})

    assert not Basket.objects.filter(status=Basket.OPEN, lines__product=product).exists()


def test_quantity_breaks_apply_to_printed_goods(client):
    client.post("/configure/printed-tee/", {"action": "basket", "quantity": "10", "print_text": "Team Atelier"})

    line = open_basket().all_lines()[0]
    assert line.quantity == 10
    assert line.unit_price_incl_tax == Decimal("21.60")  # 24 less 10%


def test_product_page_with_configurator_stays_within_fifteen_queries(client, django_assert_max_num_queries):
    url = fridge_url()
    client.get(url)
    with django_assert_max_num_queries(15):
        assert client.get(url).status_code == 200


def test_preview_escapes_the_shoppers_text(client):
    data = client.post("/configure/printed-tee/quote/", {"print_text": "<b>Hi</b>"}).json()

    assert "<b>" not in data["preview_svg"]
    assert json.dumps(data)  # serialisable


def test_configurator_embedded_in_a_wagtail_story_opens_on_the_preset(client):
    html = client.get("/the-fridge-that-fits/").content.decode()

    assert "Start from Priya&#x27;s design" in html or "Start from Priya's design" in html
    assert "data-configurator" in html
    assert 'value="left" checked' in html  # the preset's hinge side
    assert "£1,637.00" in html  # the preset, priced now
    assert 'action="/configure/atelier-fridge/"' in html  # the plain form posts to the configurator
