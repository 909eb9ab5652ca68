"""Wagtail's admin as editors use it: nothing of the shop's frame leaks into it."""

import pytest
from django.urls import reverse
from wagtail.snippets.models import get_snippet_models

pytestmark = pytest.mark.django_db

# Oscar's search form (the shop header's box and the results' sort) is in every template's context.
SHOP_SORT_OPTIONS = ("Relevancy", "Customer rating", "Price high to low")


def _listings():
    snippets = [reverse(model.snippet_viewset.get_url_name("list")) for model in get_snippet_models()]
    return ["/cms/pages/", "/cms/images/", "/cms/documents/", "/cms/users/", *snippets]


@pytest.mark.parametrize("path", _listings())
def test_no_admin_listing_offers_the_shops_sort_options(login, path):
    response = login("admin@atelier.example").get(path)

    assert response.status_code == 200
    html = response.content.decode()
    assert [option for option in SHOP_SORT_OPTIONS if option in html] == []


def test_the_shops_search_still_sorts(client):
    html = client.get("/search/?q=sofa").content.decode()

    assert [option for option in SHOP_SORT_OPTIONS if option in html] == list(SHOP_SORT_OPTIONS)
