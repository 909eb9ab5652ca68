"""The cache behind `{% help_link %}`: one entry per key, all dropped at once when pages change.

Entries carry a generation number; a change to the page tree (publish, unpublish, move, delete,
a view restriction) moves the generation on, so no stale link to an unpublished page is shown.
"""

from django.core.cache import cache

GENERATION_KEY = "help:links:generation"
SECONDS = 300
_MISSING = "-"  # cached "no live page": None would read as a cache miss


def _generation():
    return cache.get_or_set(GENERATION_KEY, 1, None)


def cached(key, find):
    entry_key = f"help:links:{_generation()}:{key}"
    found = cache.get(entry_key)
    if found is None:
        found = find(key)
        cache.set(entry_key, _MISSING if found is None else found, SECONDS)
    return None if found == _MISSING else found


def forget_all(**kwargs):
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # no generation yet: nothing is cached under it
        cache.set(GENERATION_KEY, 1, None)
