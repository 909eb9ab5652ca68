"""Quotes are limited per client address: the address a trusted proxy saw, never one a client
wrote into X-Forwarded-For, counted atomically so concurrent requests cannot overshoot."""

import sys

import pytest
from django.test import Client, override_settings

from configurator.throttling import RateLimit
from tests.helpers import at_once, wait_for

pytestmark = pytest.mark.django_db

API_QUOTE = "/api/configurator/families/atelier-fridge/quote/"
PAGE_QUOTE = "/configure/atelier-fridge/quote/"
PROXY = "10.0.0.2"


def api_quote(client, **headers):
    return client.post(API_QUOTE, {"values": {}}, content_type="application/json", headers=headers)


def page_quote(client, **headers):
    return client.post(PAGE_QUOTE, {"hinge": "left"}, headers=headers)


@override_settings(CONFIGURATOR_QUOTE_RATE="5/m", TRUSTED_PROXY_COUNT=0)
def test_a_fresh_forwarded_header_per_request_does_not_escape_the_limit():
    client = Client(REMOTE_ADDR="198.51.100.7")

    statuses = [api_quote(client, x_forwarded_for=f"203.0.113.{number}").status_code for number in range(1, 9)]

    assert statuses == [200] * 5 + [429] * 3


@override_settings(CONFIGURATOR_QUOTE_RATE="5/m", TRUSTED_PROXY_COUNT=0)
def test_the_refusal_is_the_documented_error_with_a_retry_after():
    client = Client(REMOTE_ADDR="198.51.100.7")
    for _ in range(5):
        api_quote(client)

    response = api_quote(client)

    assert response.status_code == 429
    assert response.json() == {"detail": "Too many requests.", "errors": [], "current_version": None}
    assert response["Retry-After"] == "60"


@override_settings(CONFIGURATOR_QUOTE_RATE="3/m", TRUSTED_PROXY_COUNT=1)
def test_behind_one_proxy_each_client_is_counted_by_the_address_the_proxy_saw():
    through_proxy = Client(REMOTE_ADDR=PROXY)

    # The proxy appends the address it saw; whatever the client wrote before it is ignored.
    first = [api_quote(through_proxy, x_forwarded_for=f"6.6.6.{n}, 198.51.100.7").status_code for n in range(4)]
    second = [api_quote(through_proxy, x_forwarded_for="198.51.100.8").status_code for _ in range(4)]

    assert first == [200, 200, 200, 429]
    assert second == [200, 200, 200, 429]


@override_settings(CONFIGURATOR_QUOTE_RATE="3/m", TRUSTED_PROXY_COUNT=1)
def test_a_forwarded_value_that_is_no_address_counts_against_the_proxy():
    through_proxy = Client(REMOTE_ADDR=PROXY)

    statuses = [api_quote(through_proxy, x_forwarded_for=f"client-{n}").status_code for n in range(4)]

    assert statuses == [200, 200, 200, 429]


@override_settings(CONFIGURATOR_QUOTE_RATE="4/m", TRUSTED_PROXY_COUNT=0)
def test_the_live_page_and_the_api_share_one_limit():
    client = Client(REMOTE_ADDR="198.51.100.7")

    statuses = [send(client).status_code for _ in range(3) for send in (page_quote, api_quote)]

    assert statuses == [200, 200, 200, 200, 429, 429]
    refused = page_quote(client)
    assert refused.json() == {"detail": "Too many requests."}
    assert refused["Retry-After"] == "60"


@override_settings(CONFIGURATOR_QUOTE_RATE="3/m", TRUSTED_PROXY_COUNT=0)
def test_the_live_page_ignores_a_forwarded_header_without_trusted_proxies():
    client = Client(REMOTE_ADDR="198.51.100.7")

    statuses = [page_quote(client, x_forwarded_for=f"203.0.113.{n}").status_code for n in range(5)]

    assert statuses == [200, 200, 200, 429, 429]


@pytest.fixture
def threads_switch_often():
    """Threads hand over every 10 µs, so a read-then-write count interleaves as under load
    (django-ninja's own throttle let 30 of 60 through a limit of 20 this way)."""
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)
    yield
    sys.setswitchinterval(interval)


@override_settings(CONFIGURATOR_QUOTE_RATE="20/m", TRUSTED_PROXY_COUNT=0)
@pytest.mark.parametrize("send", [api_quote, page_quote], ids=["api", "page"])
@pytest.mark.usefixtures("threads_switch_often")
def test_concurrent_requests_never_pass_more_than_the_limit(send):
    def one_request(_):
        return send(Client(REMOTE_ADDR="198.51.100.7")).status_code

    statuses = at_once(one_request, range(60))

    assert sorted(statuses) == [200] * 20 + [429] * 40


def test_a_window_closes_and_the_next_one_allows_the_full_limit_again():
    limit = RateLimit("test-window", "2/s")

    assert [limit.hit("198.51.100.7") for _ in range(3)] == [True, True, False]
    assert limit.hit("198.51.100.8") is True  # another address has its own count
    wait_for(lambda: limit.hit("198.51.100.7"), timeout=3, interval=0.05, message="the window to close")
    assert [limit.hit("198.51.100.7") for _ in range(2)] == [True, False]
