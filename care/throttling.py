"""Limits on new tickets and replies, per account, per client address and per guest address.

The site's one RateLimit and client address (configurator.throttling); each ticket is work for
a person, so a script must not be able to fill the queues.
"""

import math

from django.conf import settings

from configurator.throttling import RateLimit, client_address


def _keys(request, email=""):
    keys = [f"ip:{client_address(request)}"]
    if request.user.is_authenticated:
        keys.append(f"user:{request.user.pk}")
    if email:
        keys.append(f"email:{email.strip().lower()}")
    return keys


def _allowed(limit, keys):
    # Every key is counted (no short-circuit): a refused try still counts against each of them.
    results = [limit.hit(key) for key in keys]
    return all(results)


def ticket_allowed(request, email=""):
    return _allowed(RateLimit("care-ticket", settings.CARE_TICKET_RATE), _keys(request, email))


def reply_allowed(request, email=""):
    return _allowed(RateLimit("care-reply", settings.CARE_REPLY_RATE), _keys(request, email))


def wait_minutes(rate):
    return math.ceil(RateLimit.parse(rate)[1] / 60)
