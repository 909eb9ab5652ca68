"""Whole pages kept for visitors without a session (portal/pagecache.py): served to every such
visitor with their own CSRF token and CSP nonce, never to a signed-in customer or a visitor with a
basket or a message, never holding anyone's data, and renewed when what they show changes."""

import pickle
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.cache import caches
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client
from oscar.core.loading import get_model

from portal.cms.models import HomePage
from portal.pagecache import HIT_HEADER
from tests.storefront.people import CONFIGURABLE_UPC, PERSONAL_PATHS, STOCKED_UPC, storefront_paths, two_customers

pytestmark = pytest.mark.django_db

Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")
TOKENS = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _stored_pages():
    """Every page and every part of one the storefront cache holds, as text (locmem's store, in the test profile)."""
    values = [pickle.loads(value) for value in caches["storefront"]._cache.values()]  # noqa: S301 -- our own
    pages = [value[1].decode() for value in values if isinstance(value, tuple) and isinstance(value[1], bytes)]
    return pages + [value.decode() for value in values if isinstance(value, bytes)]


def _anonymous_get(path):
    return Client().get(path)


def _stocked_url():
    return Product.objects.get(upc=STOCKED_UPC).get_absolute_url()


@pytest.mark.parametrize("index", range(6))
def test_a_second_visitor_without_a_session_gets_the_stored_page(index):
    path = storefront_paths()[index]

    first, second = _anonymous_get(path), _anonymous_get(path)

    assert first.status_code == second.status_code == 200
    assert first.get(HIT_HEADER) is None
    assert second[HIT_HEADER] == "hit"
    assert "Cookie" in second["Vary"]


def test_each_visitor_gets_a_csrf_token_of_their_own_that_the_form_accepts():
    _anonymous_get(_stocked_url())
    visitor = Client(enforce_csrf_checks=True)

    page = visitor.get(_stocked_url())

    assert page[HIT_HEADER] == "hit"
    tokens = TOKENS.findall(page.content.decode())
    assert tokens, "the product page has its add-to-basket form"
    secret = visitor.cookies[settings.CSRF_COOKIE_NAME].value
    assert {_unmask_cipher_token(token) for token in tokens} == {secret}
    assert "@@storefront" not in page.content.decode()
    product = Product.objects.get(upc=STOCKED_UPC)
    added = visitor.post(
        f"/basket/add/{product.pk}/", {"csrfmiddlewaretoken": tokens[0], "quantity": 1}, HTTP_REFERER=_stocked_url()
    )
    assert added.status_code == 302
    assert visitor.get("/basket/").context["basket"].num_items == 1


def test_the_stored_page_carries_this_visitors_csp_nonce():
    _anonymous_get("/")

    page = _anonymous_get("/")

    assert page[HIT_HEADER] == "hit"
    nonces = set(re.findall(r'nonce="([^"]+)"', page.content.decode()))
    assert len(nonces) == 1
    assert f"'nonce-{nonces.pop()}'" in page["Content-Security-Policy"]


def test_a_visitor_with_a_basket_gets_their_own_count_not_the_stored_page():
    _anonymous_get(_stocked_url())
    shopper = Client()
    product = Product.objects.get(upc=STOCKED_UPC)
    shopper.post(f"/basket/add/{product.pk}/", {"quantity": 2})

    page = shopper.get("/catalogue/")

    assert page.get(HIT_HEADER) is None
    assert re.search(r"basket-summary__count[^>]*>2<", page.content.decode())
    assert re.search(r"basket-summary__count[^>]*>0<", _anonymous_get("/catalogue/").content.decode())


def test_a_message_is_shown_once_to_its_visitor_and_never_stored():
    shopper = Client()
    product = Product.objects.get(upc=STOCKED_UPC)
    shopper.post(f"/basket/add/{product.pk}/", {"quantity": 1})

    with_message = shopper.get(_stocked_url())

    assert with_message.get(HIT_HEADER) is None
    assert "has been added to your basket" in with_message.content.decode()
    assert "has been added to your basket" not in _anonymous_get(_stocked_url()).content.decode()
    assert all("has been added to your basket" not in page for page in _stored_pages())


def test_no_customer_data_is_ever_served_to_another_visitor():
    first, second = two_customers()
    visitors = {"first": Client(), "second": Client(), "anonymous": None}
    visitors["first"].force_login(first.user)
    visitors["second"].force_login(second.user)
    own = {"first": first.markers, "second": second.markers, "anonymous": ()}
    everyone = set(first.markers) | set(second.markers)

    for round_ in range(2):  # the second round meets whatever the first one stored
        for path in storefront_paths() + PERSONAL_PATHS:
            for name in ("anonymous", "first", "second", "anonymous"):
                client = visitors[name] or Client()
                response = client.get(path, follow=True)
                assert response.status_code == 200, (path, name)
                text = response.content.decode()
                leaked = {marker for marker in everyone - set(own[name]) if marker in text}
                assert not leaked, f"{path} showed {name} {sorted(leaked)} (round {round_ + 1})"
                if name != "anonymous":
                    assert response.get(HIT_HEADER) is None, f"{name} was served a stored page: {path}"
    assert first.markers[-1] in visitors["first"].get("/").content.decode()  # their own basket total
    for page in _stored_pages():
        assert not {marker for marker in everyone if marker in page}


def test_a_price_change_renews_the_stored_pages():
    path = _stocked_url()
    _anonymous_get("/catalogue/"), _anonymous_get(path)
    record = StockRecord.objects.get(product__upc=STOCKED_UPC)
    record.price = Decimal("31.50")
    record.save()

    for url in ("/catalogue/", path):
        page = _anonymous_get(url)
        assert page.get(HIT_HEADER) is None
        assert "£31.50" in page.content.decode()


def test_publishing_a_page_renews_the_stored_pages():
    _anonymous_get("/")
    home = HomePage.objects.get()
    home.title = "Made for you, freshly published"
    home.seo_title = "Made for you, freshly published"
    home.save_revision().publish()

    page = _anonymous_get("/")

    assert page.get(HIT_HEADER) is None
    assert "Made for you, freshly published" in page.content.decode()


def test_publishing_a_rule_change_renews_the_configurable_product_page():
    from configurator.models import Choice
    from configurator.services import publish_version

    product = Product.objects.get(upc=CONFIGURABLE_UPC)
    _anonymous_get(product.get_absolute_url())
    choice = Choice.objects.filter(option__family=product.family).order_by("pk").first()
    choice.name = "Renamed by the merchandiser"
    choice.save()
    publish_version(family=product.family)

    page = _anonymous_get(product.get_absolute_url())

    assert page.get(HIT_HEADER) is None
    assert "Renamed by the merchandiser" in page.content.decode()


def test_a_page_is_kept_no_longer_than_the_setting_and_zero_keeps_none(settings):
    settings.STOREFRONT_PAGE_CACHE_SECONDS = 0
    _anonymous_get("/")

    assert _anonymous_get("/").get(HIT_HEADER) is None
    assert _stored_pages() == []


def _fragment_keys():
    return {key for key in caches["storefront"]._cache if "configurator-" in key}


def test_signed_in_customers_share_the_configurators_drawing_and_options_until_a_new_version():
    from configurator.models import Choice
    from configurator.services import publish_version

    first, second = two_customers()
    product = Product.objects.get(upc=CONFIGURABLE_UPC)
    shoppers = [Client(), Client()]
    shoppers[0].force_login(first.user)
    shoppers[1].force_login(second.user)

    pages = [shopper.get(product.get_absolute_url()) for shopper in shoppers]

    assert all(page.get(HIT_HEADER) is None for page in pages)  # their pages are their own
    kept = _fragment_keys()
    assert len(kept) == 2  # the drawing and the option groups, once for both
    choice = Choice.objects.filter(option__family=product.family).order_by("pk").first()
    choice.name = "Renamed by the merchandiser"
    choice.save()
    publish_version(family=product.family)
    assert "Renamed by the merchandiser" in shoppers[0].get(product.get_absolute_url()).content.decode()
    assert _fragment_keys() - kept


# --- What signed-in customers' pages share (catalog/views.py, portal/dashboard_access.py) ---------


def _everything_kept():
    """Every value the storefront cache holds, pickled as stored (bytes: a name shows in it as text)."""
    return list(caches["storefront"]._cache.values())


def test_signed_in_customers_share_the_product_but_nothing_of_each_other():
    first, second = two_customers()
    shoppers = {"first": Client(), "second": Client()}
    shoppers["first"].force_login(first.user)
    shoppers["second"].force_login(second.user)
    own = {"first": first.markers, "second": second.markers}
    everyone = set(first.markers) | set(second.markers)
    paths = [_stocked_url(), Product.objects.get(upc=CONFIGURABLE_UPC).get_absolute_url()]

    for _ in range(2):
        for path in paths:
            for name, shopper in shoppers.items():
                text = shopper.get(path).content.decode()
                assert not {marker for marker in everyone - set(own[name]) if marker in text}, (name, path)
                assert own[name][-1] in text  # their own basket total, in the header
            anonymous = _anonymous_get(path).content.decode()
            assert not {marker for marker in everyone if marker in anonymous}

    kept = [key for key in caches["storefront"]._cache if "catalogue:product-page" in key]
    assert len(kept) == 2  # one product each, for both customers and the visitor
    for value in _everything_kept():
        assert not {marker for marker in everyone if marker.encode() in value}


def test_a_signed_in_customer_sees_a_price_change_at_once():
    customer, _ = two_customers()
    shopper = Client()
    shopper.force_login(customer.user)
    assert "£29.00" in shopper.get(_stocked_url()).content.decode()
    record = StockRecord.objects.get(product__upc=STOCKED_UPC)
    record.price = Decimal("31.50")
    record.save()

    assert "£31.50" in shopper.get(_stocked_url()).content.decode()


def test_a_product_taken_off_sale_is_gone_for_a_signed_in_customer_at_once():
    customer, _ = two_customers()
    shopper = Client()
    shopper.force_login(customer.user)
    assert shopper.get(_stocked_url()).status_code == 200
    product = Product.objects.get(upc=STOCKED_UPC)
    product.is_public = False
    product.save()

    assert shopper.get(_stocked_url()).status_code == 404


def test_the_dashboard_link_follows_a_role_given_and_taken_away():
    from django.contrib.auth.models import Permission

    customer, other = two_customers()
    shoppers = [Client(), Client()]
    shoppers[0].force_login(customer.user)
    shoppers[1].force_login(other.user)
    link = 'href="/dashboard/"'
    assert not any(link in shopper.get("/catalogue/").content.decode() for shopper in shoppers)

    access = Permission.objects.get(codename="dashboard_access", content_type__app_label="partner")
    customer.user.user_permissions.add(access)

    assert link in shoppers[0].get("/catalogue/").content.decode()
    assert link not in shoppers[1].get("/catalogue/").content.decode()
    customer.user.user_permissions.remove(access)
    assert link not in shoppers[0].get("/catalogue/").content.decode()
    other.user.is_staff = True
    other.user.save()
    assert link in shoppers[1].get("/catalogue/").content.decode()


def test_parts_kept_for_everyone_carry_each_signed_in_customers_own_csrf_token():
    first, second = two_customers()
    secrets = {}
    for person in (first, second):
        shopper = Client(enforce_csrf_checks=True)
        shopper.force_login(person.user)
        shopper.get(Product.objects.get(upc=CONFIGURABLE_UPC).get_absolute_url())  # then "recently viewed"
        html = shopper.get(_stocked_url()).content.decode()
        assert "product_pod" in html  # the fridge's card, kept for everyone
        secret = shopper.cookies[settings.CSRF_COOKIE_NAME].value
        tokens = TOKENS.findall(html)
        assert len(tokens) >= 2  # the header's sign-out form and the product's form at least
        assert {_unmask_cipher_token(token) for token in tokens} == {secret}
        assert "@@storefront" not in html
        secrets[person.email] = secret
    assert len(set(secrets.values())) == 2
    kept = [key for key in caches["storefront"]._cache if ":fragment:product-card:" in key]
    assert len(kept) == 1, "the fridge's card is kept once for both"
