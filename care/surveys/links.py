"""The survey's signed link: the order and its customer in a django.core.signing token with an expiry.

The reminder e-mail carries it, so the customer can answer without signing in. Nothing in it
can be guessed or enumerated: an order number alone is no link, and a changed character, a
token made for another customer's order or an expired one opens nothing.
"""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "surveys.answer"


def max_age():
    return timedelta(days=getattr(settings, "SURVEY_LINK_MAX_AGE_DAYS", 60))


class InvalidLink(Exception):
    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason  # "expired" or "invalid"


def make_token(*, order_number, user_id):
    return signing.dumps({"o": order_number, "u": user_id}, salt=SALT, compress=True)


def survey_path(*, order_number, user_id):
    """The path of the survey of `order_number` for its customer `user_id` (the reminder's link)."""
    return reverse("surveys:answer", kwargs={"token": make_token(order_number=order_number, user_id=user_id)})


def read_token(token):
    """(order number, user id) from a token; InvalidLink("expired" / "invalid") when it is not ours or too old."""
    try:
        data = signing.loads(token, salt=SALT, max_age=max_age())
    except signing.SignatureExpired as error:
        raise InvalidLink("expired") from error
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise InvalidLink("invalid") from error
    if not isinstance(data, dict) or not isinstance(data.get("o"), str) or not isinstance(data.get("u"), int):
        raise InvalidLink("invalid")
    return data["o"], data["u"]


def reminder_link(*, values, user_id):
    """The survey reminder's button (registered with loyalty's reminders in portal/apps.py)."""
    number = values.get("order_number")
    if not number or not user_id:
        return None
    return survey_path(order_number=str(number), user_id=user_id)
