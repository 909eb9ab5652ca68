"""The client's address, and rate limits counted by it.

`client_address` is the one answer to "who is asking" for every limit on the site: the quote
and design-saving limits here and, through `AXES_CLIENT_IP_CALLABLE`, the sign-in lockout. It trusts
X-Forwarded-For only as far as `TRUSTED_PROXY_COUNT` proxies in front of the site vouch for
it: each proxy appends the address it saw, so the entry that many places from the right was
written by our first proxy; anything to its left is whatever the client chose to send. The
function lives in the lowest app that limits anything, so every app (and portal's settings)
may use it.
"""

import ipaddress

from django.conf import settings
from django.core.cache import cache
from ninja.throttling import BaseThrottle


def client_address(request):
    """The address of the client as seen by the first trusted proxy, or by us without one."""
    remote = request.META.get("REMOTE_ADDR", "")
    trusted = settings.TRUSTED_PROXY_COUNT
    if trusted <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if not forwarded:
        return remote  # reached us without passing a proxy
    # Fewer entries than proxies: every entry was written by a trusted proxy; the first is the client.
    candidate = forwarded[-trusted] if len(forwarded) >= trusted else forwarded[0]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote  # not an address: count it against the proxy rather than a made-up key


PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class RateLimit:
    """At most `count` hits per `period` seconds for one key, shared by every process that
    shares the cache (Redis in production).

    A window opens with a key's first hit and closes `period` seconds later. The count is
    kept with the cache's atomic `add` and `incr` (locmem and Redis both make them atomic),
    so concurrent hits each get their own number and exactly `count` of them pass. Refused
    hits are counted too (never taken back: a decrement racing the window's end could leave
    a key that never expires); they change nothing, since the window closes on time anyway.
    """

    def __init__(self, scope, rate):
        self.scope = scope
        self.count, self.period = self.parse(rate)

    @staticmethod
    def parse(rate):
        """ "600/m" → (600, 60); also /s, /h, /d."""
        count, _, unit = rate.partition("/")
        return int(count), PERIODS[unit.strip()[:1]]

    def hit(self, key):
        """Count a hit for `key`; True if it is within the limit."""
        name = f"rate:{self.scope}:{key}"
        cache.add(name, 0, timeout=self.period)
        try:
            number = cache.incr(name)
        except ValueError:
            # The window closed between add and incr: open the next one with this hit.
            if cache.add(name, 1, timeout=self.period):
                return True
            number = cache.incr(name)
        if number == 1:
            # Django's Redis incr checks the key exists and then INCRs: a key that expired in
            # between is recreated without an expiry. Give it one, or the window never closes.
            cache.touch(name, timeout=self.period)
        return number <= self.count

    @property
    def retry_after(self):
        """Seconds after which a refused client may try again (the window's whole length, at most)."""
        return self.period


def quote_limit():
    """The limit on quotes (the JSON API's and the live page's together), per client address."""
    return RateLimit("configurator-quote", settings.CONFIGURATOR_QUOTE_RATE)


class QuoteThrottle(BaseThrottle):
    """`quote_limit` as a django-ninja throttle (ninja answers 429 with Retry-After).

    Not ninja's own AnonRateThrottle: it keys on X-Forwarded-For as the client sent it, and
    reads, appends to and writes back a list of times, so concurrent requests overwrite each
    other's counts and more than the limit pass.
    """

    def allow_request(self, request):
        return quote_limit().hit(client_address(request))

    def wait(self):
        return quote_limit().retry_after


def design_save_limit():
    """The limit on saving designs (the JSON API's and the pages' together), per client address.

    Each save may be a new row, and anonymous visitors may save: without it, one client could
    fill the table.
    """
    return RateLimit("configurator-design-save", settings.CONFIGURATOR_DESIGN_SAVE_RATE)


class DesignSaveThrottle(BaseThrottle):
    """`design_save_limit` as a django-ninja throttle, as `QuoteThrottle` is for quotes."""

    def allow_request(self, request):
        return design_save_limit().hit(client_address(request))

    def wait(self):
        return design_save_limit().retry_after
