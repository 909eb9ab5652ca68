"""Wagtail's privacy passwords (a private page's, a private collection's of documents) are limited:
PRIVACY_PASSWORD_RATE tries per client address and restriction, then the form says so (429) and
compares nothing, so even the right password waits for the window to close.

Without it, Wagtail let any number of guesses at a shared password through, from a script.
"""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.test import Client, override_settings
from wagtail.documents import get_document_model
from wagtail.models import Collection, CollectionViewRestriction, PageViewRestriction

from portal.cms.models import ContentPage
from portal.cms.privacy_passwords import GuessLimit
from tests.helpers import wait_for

pytestmark = pytest.mark.django_db

PAGE_PASSWORD = "open-sesame"
WRONG = "The password you have entered is not correct. Please try again."
TOO_MANY = "Too many tries at this password from your network. Please wait 15 minutes and try again."
HERE, ELSEWHERE = "198.51.100.7", "203.0.113.9"


@pytest.fixture
def private_page():
    page = ContentPage.objects.get(slug="about")
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.PASSWORD, password=PAGE_PASSWORD
    )
    return page, restriction


def send_page_password(client, private_page, password):
    page, restriction = private_page
    return client.post(
        f"/_util/authenticate_with_password/{restriction.pk}/{page.pk}/",
        {"password": password, "return_url": page.url},
    )


def shows_the_page(client, private_page):
    page, _ = private_page
    response = client.get(page.url)
    assert response.status_code == 200
    return "Password required" not in response.content.decode()


def messages_in(response):
    html = response.content.decode().replace("&#x27;", "'")
    return [message for message in (WRONG, TOO_MANY) if message in html]


@override_settings(TRUSTED_PROXY_COUNT=0)
def test_ten_wrong_guesses_then_even_the_right_password_is_refused(private_page):
    client = Client(REMOTE_ADDR=HERE)
    assert not shows_the_page(client, private_page)

    for _ in range(10):
        wrong = send_page_password(client, private_page, "guess")
        assert (wrong.status_code, messages_in(wrong)) == (200, [WRONG])
    right = send_page_password(client, private_page, PAGE_PASSWORD)

    assert (right.status_code, messages_in(right)) == (429, [TOO_MANY])
    assert right["Retry-After"] == "900"
    html = right.content.decode()
    assert 'name="password"' in html and f'value="{private_page[0].url}"' in html  # the form, to try later
    assert not shows_the_page(client, private_page)


@override_settings(TRUSTED_PROXY_COUNT=0)
def test_another_address_is_not_held_back(private_page):
    for _ in range(11):
        send_page_password(Client(REMOTE_ADDR=HERE), private_page, "guess")
    elsewhere = Client(REMOTE_ADDR=ELSEWHERE)

    response = send_page_password(elsewhere, private_page, PAGE_PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == private_page[0].url
    assert shows_the_page(elsewhere, private_page)


@override_settings(TRUSTED_PROXY_COUNT=0)
def test_the_count_is_per_restriction(private_page):
    client = Client(REMOTE_ADDR=HERE)
    for _ in range(11):
        send_page_password(client, private_page, "guess")
    other_page = ContentPage.objects.get(slug="how-it-works")
    other = PageViewRestriction.objects.create(
        page=other_page, restriction_type=PageViewRestriction.PASSWORD, password="another-one"
    )

    response = send_page_password(client, (other_page, other), "another-one")

    assert response.status_code == 302


@override_settings(PRIVACY_PASSWORD_RATE="3/1s", TRUSTED_PROXY_COUNT=0)
def test_the_right_password_is_taken_again_once_the_window_closes(private_page):
    client = Client(REMOTE_ADDR=HERE)
    statuses = [send_page_password(client, private_page, "guess").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]

    response = wait_for(
        lambda: (answer := send_page_password(client, private_page, PAGE_PASSWORD)).status_code == 302 and answer,
        timeout=3,
        interval=0.2,
        message="the window to close",
    )

    assert response["Location"] == private_page[0].url
    assert shows_the_page(client, private_page)


@override_settings(PRIVACY_PASSWORD_RATE="2/15m", TRUSTED_PROXY_COUNT=0)
def test_the_setting_sets_the_limit_and_the_right_password_within_it_passes(private_page):
    client = Client(REMOTE_ADDR=HERE)

    first = send_page_password(client, private_page, "guess")
    second = send_page_password(client, private_page, PAGE_PASSWORD)
    third = send_page_password(Client(REMOTE_ADDR=HERE), private_page, PAGE_PASSWORD)

    assert [first.status_code, second.status_code, third.status_code] == [200, 302, 429]


@override_settings(TRUSTED_PROXY_COUNT=0)
def test_opening_the_form_is_no_try(private_page):
    page, restriction = private_page
    client = Client(REMOTE_ADDR=HERE)
    for _ in range(12):
        assert client.get(page.url).status_code == 200
        assert client.get(f"/_util/authenticate_with_password/{restriction.pk}/{page.pk}/").status_code == 200

    assert send_page_password(client, private_page, PAGE_PASSWORD).status_code == 302


# --- a private collection's documents ----------------------------------------------------------


@pytest.fixture
def private_document():
    collection = Collection.get_first_root_node().add_child(name="Trade price lists")
    restriction = CollectionViewRestriction.objects.create(
        collection=collection, restriction_type=CollectionViewRestriction.PASSWORD, password="trade-only"
    )
    document = get_document_model().objects.create(
        title="Prices", collection=collection, file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="prices.pdf")
    )
    return document, restriction


def send_document_password(client, private_document, password):
    document, restriction = private_document
    return client.post(
        f"/documents/authenticate_with_password/{restriction.pk}/", {"password": password, "return_url": document.url}
    )


@override_settings(TRUSTED_PROXY_COUNT=0)
def test_a_private_collections_password_is_limited_too(private_document):
    document, _ = private_document
    client = Client(REMOTE_ADDR=HERE)

    wrong = [send_document_password(client, private_document, "guess") for _ in range(10)]
    right = send_document_password(client, private_document, "trade-only")
    elsewhere = send_document_password(Client(REMOTE_ADDR=ELSEWHERE), private_document, "trade-only")

    assert {(response.status_code, tuple(messages_in(response))) for response in wrong} == {(200, (WRONG,))}
    assert (right.status_code, messages_in(right)) == (429, [TOO_MANY])
    assert right["Retry-After"] == "900"
    assert "Password required" in client.get(document.url).content.decode()
    assert (elsewhere.status_code, elsewhere["Location"]) == (302, document.url)


# --- the setting --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rate", "limit"), [("10/15m", (10, 900)), ("10/m", (10, 60)), ("5 / 2h", (5, 7200)), ("30/1d", (30, 86400))]
)
def test_the_rate_is_a_count_per_some_units(rate, limit):
    assert GuessLimit.parse(rate) == limit


@pytest.mark.parametrize("rate", ["10", "10/15", "ten/m", "10/15w"])
def test_a_rate_that_is_not_one_says_how_to_write_it(rate):
    with pytest.raises(ImproperlyConfigured, match="write it as 10/15m"):
        GuessLimit.parse(rate)
