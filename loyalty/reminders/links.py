"""Signed links in reminders: tracked clicks and one-click unsubscribe.

Both carry their meaning inside a token signed with the site's secret key
(django.core.signing), so no database lookup is needed to trust them and a changed
character makes them invalid. The click token holds a path on this site only: the redirect
endpoint can never send anyone elsewhere.
"""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

CLICK_SALT = "reminders.click"
UNSUBSCRIBE_SALT = "reminders.unsubscribe"
UNSUBSCRIBE_MAX_AGE = timedelta(days=90)


class InvalidLink(Exception):
    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason  # "expired" or "invalid"


def site_url():
    return getattr(settings, "REMINDERS_SITE_URL", settings.WAGTAILADMIN_BASE_URL).rstrip("/")


def is_local_path(path):
    return isinstance(path, str) and path.startswith("/") and not path.startswith("//") and "\\" not in path


def path_with_arg(url_name, token):
    # One reverse() per name, not per row: a run or a chunk makes thousands of these links.
    prefix, suffix = _prefixes.get(url_name) or _prefixes.setdefault(
        url_name, tuple(reverse(url_name, args=["TOKEN"]).split("TOKEN"))
    )
    return f"{prefix}{token}{suffix}"


_prefixes = {}


# Where a trigger's button goes when another app owns the page: the survey reminder's link is the
# care survey, which loyalty may not import (care sits above it). The composition root registers
# a maker per trigger (portal/apps.py); without one the link chosen at selection stands.
_link_makers = {}


def register_link(trigger, make_path):
    """`make_path(values=..., user_id=...)` returns the trigger's link path at render time, or None."""
    _link_makers[trigger] = make_path


def link_for(trigger, *, values, user_id):
    make_path = _link_makers.get(trigger)
    path = make_path(values=values, user_id=user_id) if make_path else None
    return path or values.get("link") or "/accounts/"


def tracked_path(send_id, path):
    if not is_local_path(path):
        raise ValueError(f"only paths on this site can be tracked: {path!r}")
    token = signing.dumps([send_id, path], salt=CLICK_SALT, compress=True)
    return path_with_arg("reminders:go", token)


def read_click(token):
    """(send id, path) from a click token; InvalidLink when it was not made by us."""
    try:
        send_id, path = signing.loads(token, salt=CLICK_SALT)
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise InvalidLink("invalid") from error
    if not isinstance(send_id, int) or not is_local_path(path):
        raise InvalidLink("invalid")
    return send_id, path


def unsubscribe_path(user_id, trigger):
    token = signing.dumps({"u": user_id, "t": trigger}, salt=UNSUBSCRIBE_SALT, compress=True)
    return path_with_arg("reminders:unsubscribe", token)


def read_unsubscribe(token):
    """(user id, trigger) from an unsubscribe token; InvalidLink("expired"/"invalid") otherwise."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=UNSUBSCRIBE_MAX_AGE)
    except signing.SignatureExpired as error:
        raise InvalidLink("expired") from error
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise InvalidLink("invalid") from error
    if not isinstance(data, dict) or not isinstance(data.get("u"), int) or not isinstance(data.get("t"), str):
        raise InvalidLink("invalid")
    return data["u"], data["t"]
