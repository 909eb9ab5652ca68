"""Product content in Wagtail: editors write a product's words and pictures, never its price or rules."""

import json
from decimal import Decimal

import pytest
from oscar.core.loading import get_model

from portal.cms.models import ProductContent, ProductContentImage, ProductStoryPage
from tests.cms.images import wagtail_image
from tests.factories import StockedProductFactory
from tests.helpers import access_answer

pytestmark = pytest.mark.django_db

Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")

EDITOR = "editor@atelier.example"
LISTING = "/cms/snippets/cms/productcontent/"


def _rich_text(text):
    """Draftail's contentstate, as the admin's rich text editor posts a paragraph."""
    block = {"key": "a1b2c", "type": "unstyled", "text": text, "depth": 0, "inlineStyleRanges": [], "entityRanges": []}
    return json.dumps({"blocks": [block], "entityMap": {}})


def _form(product, text, action="action-publish", **extra):
    return {
        "product": product.pk,
        "headline": extra.get("headline", ""),
        "description": _rich_text(text),
        "story_page": extra.get("story_page", ""),
        "images-TOTAL_FORMS": "0",
        "images-INITIAL_FORMS": "0",
        "images-MIN_NUM_FORMS": "0",
        "images-MAX_NUM_FORMS": "1000",
        action: action,
    }


def _published(product, **fields):
    content = ProductContent(product=product, **fields)
    content.save()
    content.save_revision().publish()
    return content


def test_an_editor_writes_a_products_content_and_publishes_it(client, login):
    product = StockedProductFactory(title="Oak shelf")
    login(EDITOR)

    form_page = client.get(f"{LISTING}add/")
    response = client.post(f"{LISTING}add/", _form(product, "Cut from one oak board."))

    assert form_page.status_code == 200
    assert response.status_code == 302
    content = ProductContent.objects.get(product=product)
    assert content.live
    assert "Cut from one oak board." in content.description


def test_the_content_form_offers_words_pictures_and_a_story_never_prices_stock_or_rules(client, login):
    login(EDITOR)

    form = client.get(f"{LISTING}add/").context["form"]

    assert sorted(form.fields) == ["description", "headline", "product", "story_page"]
    assert sorted(form.formsets["images"].empty_form.fields) == [
        "DELETE",
        "ORDER",
        "alt_text",
        "caption",
        "id",
        "image",
    ]


def test_an_editor_changes_published_content_and_the_product_page_shows_it(client, login):
    product = StockedProductFactory(title="Oak shelf")
    content = _published(product, description="<p>Old words.</p>")
    login(EDITOR)

    response = client.post(f"{LISTING}edit/{content.pk}/", _form(product, "New words from the editor."))

    assert response.status_code == 302
    client.logout()
    html = client.get(product.get_absolute_url()).content.decode()
    assert "New words from the editor." in html
    assert "Old words." not in html


def test_a_draft_does_not_show_until_published(client, login):
    product = StockedProductFactory(title="Oak shelf")
    content = _published(product, description="<p>Published words.</p>")
    login(EDITOR)

    client.post(f"{LISTING}edit/{content.pk}/", _form(product, "Draft words.", action="action-save"))

    client.logout()
    html = client.get(product.get_absolute_url()).content.decode()
    assert "Published words." in html
    assert "Draft words." not in html


def test_a_second_content_for_the_same_product_is_refused_in_words(client, login):
    product = StockedProductFactory(title="Oak shelf")
    _published(product, description="<p>First.</p>")
    login(EDITOR)

    response = client.post(f"{LISTING}add/", _form(product, "Second."))

    assert response.status_code == 200
    assert response.context["form"].errors["product"] == ["Product content with this Product already exists."]
    assert ProductContent.objects.filter(product=product).count() == 1


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/dashboard/catalogue/", "forbidden"),
        ("/dashboard/catalogue/products/{pk}/", "forbidden"),
        ("/dashboard/catalogue/stock-alerts/", "forbidden"),
        ("/dashboard/partners/", "forbidden"),
        ("/dashboard/offers/", "forbidden"),
        ("/django-admin/configurator/productfamily/", "login"),
        ("/django-admin/configurator/", "login"),
    ],
)
def test_editors_are_refused_at_prices_stock_and_rules(client, login, path, expected):
    product = StockedProductFactory()
    login(EDITOR)

    assert access_answer(client.get(path.format(pk=product.pk))) == expected


def test_an_editors_post_to_the_products_dashboard_form_changes_no_price(client, login):
    product = StockedProductFactory(price=Decimal("25.00"))
    login(EDITOR)

    response = client.post(
        f"/dashboard/catalogue/products/{product.pk}/",
        {"title": "Renamed", "stockrecords-0-price": "1.00", "stockrecords-0-id": product.stockrecords.get().pk},
    )

    assert response.status_code == 403
    product.refresh_from_db()
    assert (product.title, product.stockrecords.get().price) != ("Renamed", Decimal("1.00"))
    assert product.stockrecords.get().price == Decimal("25.00")


def test_the_product_page_shows_the_editors_words_pictures_and_story_in_place_of_oscars(client):
    product = StockedProductFactory(title="Oak shelf")
    Product.objects.filter(pk=product.pk).update(description="<p>Oscar's own description.</p>")
    story = ProductStoryPage.objects.get(slug="the-fridge-that-fits")
    content = _published(
        product, headline="Made from one board", description="<p>Cut from <b>one</b> oak board.</p>", story_page=story
    )
    for order, (title, alt) in enumerate([("Shelf front", "The shelf from the front"), ("Shelf grain", "Oak grain")]):
        ProductContentImage.objects.create(
            content=content, image=wagtail_image(title), alt_text=alt, caption=f"{title} caption", sort_order=order
        )

    html = client.get(product.get_absolute_url()).content.decode()

    assert "Cut from <b>one</b> oak board." in html
    assert "Oscar's own description." not in html
    assert "Made from one board" in html
    assert 'alt="The shelf from the front"' in html and 'alt="Oak grain"' in html
    assert 'type="image/webp"' in html
    assert f'href="{story.url}">Read the story: The fridge that fits</a>' in html


def test_the_editors_plain_text_is_escaped_on_the_product_page(client):
    product = StockedProductFactory()
    content = _published(product, headline="<script>alert('headline')</script>", description="<p>Words.</p>")
    ProductContentImage.objects.create(
        content=content, image=wagtail_image(), alt_text='" onerror="alert(1)', caption="<img src=x onerror=alert(2)>"
    )

    html = client.get(product.get_absolute_url()).content.decode()

    assert "<script>alert('headline')</script>" not in html
    assert "&lt;script&gt;alert(&#x27;headline&#x27;)&lt;/script&gt;" in html
    assert "<img src=x onerror=alert(2)>" not in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html
    assert 'alt="" onerror="alert(1)"' not in html


def test_a_product_without_published_content_keeps_oscars_description(client):
    product = StockedProductFactory()
    Product.objects.filter(pk=product.pk).update(description="<p>Oscar's own description.</p>")
    ProductContent.objects.create(product=product, description="<p>Never published.</p>", live=False)

    html = client.get(product.get_absolute_url()).content.decode()

    assert "Oscar's own description." in html
    assert "Never published." not in html


def test_a_configurable_products_page_shows_the_editors_words_beside_its_configurator(client):
    fridge = Product.objects.get(upc="ATL-FRIDGE")
    content = ProductContent.objects.get(product=fridge)  # the demo's
    content.description = "<p>Hinges on either side, made for your alcove.</p>"
    content.save_revision().publish()

    html = client.get(fridge.get_absolute_url()).content.decode()

    assert "Hinges on either side, made for your alcove." in html
    assert "configurator" in html


def test_the_content_preview_shows_the_product_section(client, login):
    product = StockedProductFactory(title="Oak shelf")
    content = _published(product, description="<p>Published words.</p>")
    login(EDITOR)

    posted = client.post(f"{LISTING}preview/{content.pk}/", _form(product, "Words not yet saved."))
    response = client.get(f"{LISTING}preview/{content.pk}/")

    assert posted.json()["is_valid"] is True
    assert response.status_code == 200
    assert "Words not yet saved." in response.content.decode()
    client.logout()
    assert "Words not yet saved." not in client.get(product.get_absolute_url()).content.decode()


def test_the_demo_fridge_has_its_words_and_a_link_to_its_story(client):
    fridge = Product.objects.get(upc="ATL-FRIDGE")

    html = client.get(fridge.get_absolute_url()).content.decode()

    assert ProductContent.objects.get(product=fridge).live
    assert "Built around your kitchen, not the other way round" in html
    assert 'href="/the-fridge-that-fits/">Read the story: The fridge that fits</a>' in html


def test_editors_find_product_content_and_forms_in_the_admin_menu(client, login):
    login(EDITOR)

    html = client.get("/cms/").content.decode()

    assert LISTING in html
    assert "/cms/forms/" in html
