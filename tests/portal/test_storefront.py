"""The storefront frame: Wagtail home and content pages, Oscar pages, one shared design."""

from decimal import Decimal

import pytest
from oscar.core.loading import get_model

from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

StockRecord = get_model("partner", "StockRecord")


def test_home_page_is_served_by_wagtail_with_its_blocks(client):
    response = client.get("/")

    assert response.status_code == 200
    assert response.templates[0].name == "cms/home_page.html"
    html = response.content.decode()
    assert "Design it your way. We build it for you." in html
    assert "How made-to-order works" in html
    for title in ("The Atelier Fridge", "The Modular Sofa", "Custom Printed T-shirt"):
        assert title in html


def test_featured_products_show_the_current_price_without_republishing(client, settings):
    # The blocks price at render time. A bare UPDATE sends no signal, so a page kept for visitors
    # without a session would show it only after its 60 s (docs/operations.md); saves renew it at
    # once (tests/storefront/test_page_cache.py). Here every request renders.
    settings.STOREFRONT_PAGE_CACHE_SECONDS = 0
    assert "£1,299.00" in client.get("/").content.decode()

    StockRecord.objects.filter(product__upc="ATL-FRIDGE").update(price=Decimal("1349.00"))

    html = client.get("/").content.decode()
    assert "£1,349.00" in html
    assert "£1,299.00" not in html


def test_header_and_footer_come_from_wagtail_snippets(client):
    html = client.get("/catalogue/").content.decode()

    assert 'aria-label="Main"' in html
    for label in ("Fridges", "Sofas", "Printed goods", "How it works"):
        assert f">{label}</a>" in html
    assert "Atelier Workshop Ltd" in html  # the footer's legal line
    assert "How made-to-order works</a>" in html


def test_content_page_renders_with_breadcrumbs(client):
    response = client.get("/how-it-works/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>How made-to-order works</h1>" in html
    assert 'aria-label="Breadcrumb"' in html


@pytest.mark.parametrize(
    ("path", "titles"),
    [
        ("/catalogue/", ["The Atelier Fridge", "The Modular Sofa", "Custom Printed T-shirt", "Custom Printed Tote"]),
        ("category:Refrigerators", ["The Atelier Fridge"]),
        ("category:Sofas", ["The Modular Sofa"]),
        ("category:Printed goods", ["Custom Printed T-shirt", "Custom Printed Tote"]),
    ],
)
def test_every_product_family_is_browsable(client, path, titles):
    if path.startswith("category:"):
        path = get_model("catalogue", "Category").objects.get(name=path.removeprefix("category:")).get_absolute_url()

    html = client.get(path).content.decode()

    for title in titles:
        assert title in html


def test_browsing_sorts_by_price(client):
    response = client.get("/catalogue/", {"sort_by": "price-desc"})

    titles = [product.title for product, _ in response.context["priced_products"]]
    assert titles[0] == "The Modular Sofa"
    assert titles[-2:] == ["Custom Printed Tote", "Gift card"]  # a gift card is listed at its least amount, £10


def test_product_page_shows_price_and_add_to_basket(client):
    product = get_model("catalogue", "Product").objects.get(upc="ATL-SOFA")

    response = client.get(product.get_absolute_url())

    assert response.status_code == 200
    html = response.content.decode()
    assert "£1,450.00" in html
    assert "Add to basket" in html


@pytest.mark.parametrize("path", ["/no-such-page/", "/catalogue/no-such-product_99999/", "/how-it-works/nope/"])
def test_unknown_urls_get_the_sites_own_404_page(client, path):
    response = client.get(path)

    assert response.status_code == 404
    html = response.content.decode()
    assert "We could not find that page" in html
    assert 'class="site-header"' in html


def test_home_page_stays_within_fifteen_queries(client, django_assert_max_num_queries):
    client.get("/")  # warm the site-frame cache the way a running site has it
    with django_assert_max_num_queries(15):
        assert client.get("/").status_code == 200


def test_home_page_cold_cache_stays_within_fifteen_queries(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(15):
        assert client.get("/").status_code == 200


def test_product_page_stays_within_fifteen_queries(client, django_assert_max_num_queries):
    url = get_model("catalogue", "Product").objects.get(upc="ATL-FRIDGE").get_absolute_url()
    client.get(url)
    with django_assert_max_num_queries(15):
        assert client.get(url).status_code == 200


def test_header_shows_basket_summary_and_sign_in_state(client):
    product = get_model("catalogue", "Product").objects.get(upc="ATL-FILTER")
    html = client.get("/").content.decode()
    assert "Sign in</a>" in html
    assert 'class="basket-summary__count" aria-label="items">0<' in html

    client.force_login(CustomerFactory())
    client.post(f"/basket/add/{product.pk}/", {"quantity": 2})
    html = client.get("/").content.decode()

    assert "Account</a>" in html
    assert "Sign out</button>" in html
    assert 'class="basket-summary__count" aria-label="items">2<' in html
    assert "£58.00" in html


def test_demo_mode_is_marked_on_every_page_without_stripe_keys(client, settings):
    settings.STRIPE_SECRET_KEY = ""
    assert "Demo shop in test mode" in client.get("/").content.decode()

    settings.STRIPE_SECRET_KEY = "sk_live_placeholder"
    assert "Demo shop in test mode" not in client.get("/").content.decode()
