"""Production's route for the ship-date promise (28 queries for the fridge) is read once for every
worker: kept in the shared cache until a moment QUEUE_CACHE_SECONDS after it was read, and copied
into each process's own cache until that same moment."""

from datetime import date

import pytest
from django.core.cache import cache, caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from production.selectors import promises

pytestmark = pytest.mark.django_db

FAMILY = "atelier-fridge"
VALUES = {"hinge": "left", "finish": "sage", "capacity": "380"}


def promise():
    return promises.capable_to_promise(family_slug=FAMILY, values=VALUES, lead_days=5, start=date(2026, 12, 7))


def test_another_process_reads_the_route_from_the_shared_cache_without_a_query():
    with CaptureQueriesContext(connection) as first:
        expected = promise()
    assert len(first) > 0
    cache.clear()  # another worker: its own cache is empty, the shared one is not
    with CaptureQueriesContext(connection) as second:
        assert promise() == expected
    assert len(second) == 0
    with CaptureQueriesContext(connection) as third:
        assert promise() == expected  # and now from its own cache
    assert len(third) == 0


def test_the_route_is_read_again_once_its_moment_has_passed(monkeypatch):
    promise()
    key = f"production:promise-route:{FAMILY}"
    expires, _route = caches[promises.SHARED_CACHE].get(key)
    cache.clear()
    monkeypatch.setattr(promises.time, "time", lambda: expires + 1)
    with CaptureQueriesContext(connection) as queries:
        promise()
    assert len(queries) > 0
    assert caches[promises.SHARED_CACHE].get(key)[0] == expires + 1 + promises.QUEUE_CACHE_SECONDS


def test_a_family_production_does_not_make_is_not_kept():
    assert promises.capable_to_promise(family_slug="no-such-family", values={}, lead_days=5, start=date.today()) is None
    assert caches[promises.SHARED_CACHE].get("production:promise-route:no-such-family") is None
    assert cache.get("production:promise-route:no-such-family") is None
