"""Whole storefront pages kept for visitors who carry nothing of their own.

A visitor who is not signed in and has no basket, no pending message and no session gets the
same CMS page, catalogue and product page as every other such visitor (`cms.audience` makes
the CMS pages so: segment blocks show nothing personal to anyone not signed in). Those pages
are rendered once and kept in the `storefront` cache (shared by every gunicorn worker: a folder
in the embedded profile, Redis in production), then served without running the view.

Why it cannot leak:

- Only a request whose cookies are all in `_IGNORED_COOKIES` (the CSRF cookie; on pages
  without "recently viewed", Oscar's history cookie) is served from or stored in the cache.
  A session (everyone signed in has one), a basket, a message or any cookie we do not know
  makes the page render for that visitor alone, as before.
- A response is stored only if rendering it set no cookie but the CSRF one (a session, a
  basket or a message made while rendering means it was not the shared page) and it is a
  plain 200 that no one marked private.
- The two per-visitor values such a page holds are punched out before it is stored and
  filled in for each visitor on the way out: every CSRF token (found by unmasking each
  64-character token against this request's secret) and the CSP nonce.
- Every page served or stored here says `Vary: Cookie`, so a front-end cache keeps it apart
  from signed-in visitors' pages too.

The key is what really varies: the scheme, host, path and query, language, currency, the
day (ship dates), and a version per kind of data the pages show (`VERSIONED`), bumped when an
editor publishes, a price, product, category, offer or review changes, a configurator family
or rule changes, or the loyalty earning rules change. A bump orphans every older entry; the
entries expire after `STOREFRONT_PAGE_CACHE_SECONDS` (60 s, as long as the promise dates'
queue cache), which also bounds what nothing signals (a plan that moves a ship date).
"""

import hashlib
import re
import time
from types import SimpleNamespace
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import caches
from django.core.signals import setting_changed
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import _unmask_cipher_token, get_token
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from oscar.core.loading import get_class

from portal import product_views

CACHE_ALIAS = "storefront"
HIT_HEADER = "X-Storefront-Cache"

# Routes whose page is the same for every visitor without state, and the cookies besides
# the CSRF one they ignore. The product page shows "recently viewed", so it keeps Oscar's
# history cookie out of the cache; the others never read it.
HISTORY_COOKIE = settings.OSCAR_RECENTLY_VIEWED_COOKIE_NAME
ROUTES = {
    "wagtail_serve": {HISTORY_COOKIE},
    "catalogue:index": {HISTORY_COOKIE},
    "catalogue:category": {HISTORY_COOKIE},
    "catalogue:detail": set(),
}

# The data the cached pages show: by app label, and by model where an app also holds what
# changes with every order or customer (ledgers, saved designs), which no cached page shows.
VERSIONED = {
    "content": {"wagtailcore", "cms", "wagtailimages", "wagtaildocs", "sites"},
    "catalogue": {"catalogue", "partner", "offer", "reviews"},
    "configurator": {
        "configurator.productfamily", "configurator.optiongroup", "configurator.option", "configurator.choice",
        "configurator.rule", "configurator.quantitybreak", "configurator.familyversion",
    },
    "loyalty": {"loyalty.tier", "loyalty.programmerules", "loyalty.earnmultiplier", "loyalty.campaign"},
}  # fmt: skip
_VERSION_OF = {label: name for name, labels in VERSIONED.items() for label in labels}

_history = get_class("customer.history", "CustomerHistoryManager")
_CSRF_HOLE = "@@storefront-csrf-token@@"
_NONCE_HOLE = "@@storefront-csp-nonce@@"
_TOKEN = re.compile(rb"(?<![A-Za-z0-9])[A-Za-z0-9]{64}(?![A-Za-z0-9])")


def _cache():
    return caches[CACHE_ALIAS]


def _seconds():
    return getattr(settings, "STOREFRONT_PAGE_CACHE_SECONDS", 60)


# --- Versions -------------------------------------------------------------------------------


def _version_key(name):
    return f"storefront:version:{name}"


def versions():
    """The current version of each kind of data, a new one for a kind never seen (never an old one)."""
    keys = [_version_key(name) for name in VERSIONED]
    found = _cache().get_many(keys)
    missing = {key: time.time_ns() for key in keys if key not in found}
    if missing:
        for key, value in missing.items():
            _cache().add(key, value, timeout=None)
        found = _cache().get_many(keys)
    return ".".join(str(found.get(key, 0)) for key in keys)


def version(name):
    """The current version of one kind of data (as `versions()`, for one)."""
    key = _version_key(name)
    found = _cache().get(key)
    if found is None:
        _cache().add(key, time.time_ns(), timeout=None)
        found = _cache().get(key)
    return found


def bump(*names):
    """Orphan every cached page that shows this kind of data."""
    _cache().set_many({_version_key(name): time.time_ns() for name in names}, timeout=None)


def _changed(name):
    # Now, so this process renders afresh; and again after commit, because a page rendered by
    # another request between the two from the data before the commit is kept under the new version.
    bump(name)
    transaction.on_commit(lambda: bump(name))


def _model_changed(sender, **kwargs):
    meta = getattr(sender, "_meta", None)
    if meta is None or kwargs.get("raw"):
        return
    name = _VERSION_OF.get(meta.label_lower) or _VERSION_OF.get(meta.app_label)
    if name:
        _changed(name)


def connect():
    """Bump the versions whenever the data of a cached page changes (any save, delete or m2m change).

    Wagtail's publish, unpublish and move write pages and revisions, so they are saves too;
    `receivers.connect` calls this."""
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(_model_changed, dispatch_uid=f"storefront-pages-{signal}")
    # The product page keeps its product (and what its template reads) under the catalogue's version.
    from catalog.views import keep_products

    keep_products(cache=_cache(), version=lambda: version("catalogue"), seconds=_seconds)
    # Settings are read while rendering (tests change them; a deploy restarts, and the key says payments).
    setting_changed.connect(_setting_changed, dispatch_uid="storefront-pages-settings")


def _setting_changed(**kwargs):
    bump(*VERSIONED)


# --- The middleware -------------------------------------------------------------------------


def _key(request, path_hash, current_versions=None):
    day = timezone.localdate().isoformat()
    language = getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)
    scheme = "https" if request.is_secure() else "http"
    # Without Stripe keys every page carries the test-mode banner: a restart with keys must not serve it.
    payments = "live" if settings.STRIPE_SECRET_KEY else "test"
    return (
        f"storefront:page:{current_versions or versions()}:{day}:{scheme}:{request.get_host()}:{language}:"
        f"{settings.OSCAR_DEFAULT_CURRENCY}:{payments}:{path_hash}"
    )


def fragment_key(request, name, vary_on):
    """The key of a part of a page shared by every visitor, signed in or not (`{% shared_fragment %}`):
    the same versions and settings as a whole page's, the fragment's name and what it varies on."""
    vary = hashlib.sha256(repr([str(value) for value in vary_on]).encode()).hexdigest()
    return _key(request, f"fragment:{name}:{vary}", _versions_of_this_request(request))


def _versions_of_this_request(request):
    """`versions()`, read once for all the fragments of a GET (a page with several reads them once)."""
    if request.method != "GET":
        return versions()
    if not hasattr(request, "_storefront_versions"):
        request._storefront_versions = versions()
    return request._storefront_versions


def shared_fragment(request, name, vary_on, render):
    """A part of a page that is the same for every visitor (no name, basket, points or design in it),
    rendered once and kept like a whole page: its CSRF tokens and CSP nonce punched out when stored
    and this visitor's filled in when served. `render()` makes it when it is not kept."""
    if _seconds() <= 0:
        return render()
    key = fragment_key(request, name, vary_on)
    kept = _cache().get(key)
    if kept is not None:
        return _fill_holes(request, kept).decode()
    html = render()
    _cache().set(key, _punch_holes(request, html.encode()), _seconds())
    return html


def _cacheable_request(request):
    if request.method != "GET" or request.META.get("HTTP_AUTHORIZATION") or _seconds() <= 0:
        return False
    match = request.resolver_match
    ignored = ROUTES.get(match.view_name) if match else None
    if ignored is None:
        return False
    allowed = {settings.CSRF_COOKIE_NAME, *ignored}
    if not all(name in allowed for name in request.COOKIES):
        return False
    # Oscar's product page links back to the search results a visitor came from (their query).
    return urlsplit(request.META.get("HTTP_REFERER", "")).path != reverse("search:search")


def _storable(request, response):
    if (
        response.status_code != 200
        or response.streaming
        or not response.get("Content-Type", "").startswith("text/html")
    ):
        return False
    cache_control = response.get("Cache-Control", "")
    if any(word in cache_control for word in ("private", "no-store", "no-cache")):
        return False
    # Anything personal made while rendering (a session, a basket, a message) sets a cookie.
    allowed = {settings.CSRF_COOKIE_NAME} | ROUTES[request.resolver_match.view_name] | {HISTORY_COOKIE}
    return all(name in allowed for name in response.cookies)


def _punch_holes(request, content):
    """The page with this visitor's CSRF tokens and CSP nonce taken out; None if it cannot be."""
    secret = request.META.get("CSRF_COOKIE")

    def token(match):
        value = match.group(0).decode()
        return _CSRF_HOLE.encode() if secret and _unmask_cipher_token(value) == secret else match.group(0)

    content = _TOKEN.sub(token, content)
    nonce = getattr(request, "_csp_nonce", None)
    if isinstance(nonce, str):
        content = content.replace(nonce.encode(), _NONCE_HOLE.encode())
    return content


def _fill_holes(request, content):
    if _CSRF_HOLE.encode() in content:
        content = content.replace(_CSRF_HOLE.encode(), get_token(request).encode())
    if _NONCE_HOLE.encode() in content:
        content = content.replace(_NONCE_HOLE.encode(), str(request.csp_nonce).encode())
    return content


class AnonymousPageCacheMiddleware:
    """First in MIDDLEWARE: it sees the request after every other middleware has read it and the
    response after every other one has written it (cookies, CSP header, Vary)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        key = getattr(request, "_storefront_key", None)
        if key is not None and response.get(HIT_HEADER) != "hit":
            if _storable(request, response):
                content = _punch_holes(request, response.content)
                _cache().set(key, (response["Content-Type"], content), _seconds())
            patch_vary_headers(response, ["Cookie"])
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not _cacheable_request(request):
            return None
        key = _key(request, hashlib.sha256(request.get_full_path().encode()).hexdigest())
        cached = _cache().get(key)
        if cached is None:
            request._storefront_key = key
            return None
        content_type, content = cached
        response = HttpResponse(_fill_holes(request, content), content_type=content_type)
        response[HIT_HEADER] = "hit"
        patch_vary_headers(response, ["Cookie"])
        if request.resolver_match.view_name == "catalogue:detail":
            # What Oscar's view does for every product page: the visitor's "recently viewed".
            _history.update(SimpleNamespace(id=view_kwargs["pk"]), request, response)
            # And what Oscar's analytics count for it: a view of the product (in memory, written in batches).
            product_views.record_product_view(None, product=SimpleNamespace(pk=int(view_kwargs["pk"])), user=None)
        return response
