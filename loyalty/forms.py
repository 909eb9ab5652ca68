"""The checkout's points box, read on the server.

The browser's number field refuses letters, decimals and negatives, but a scripted POST (or a
browser without that check) sends whatever it likes: each such answer gets a plain message and
changes nothing. Releasing the points is a button of its own ("Don't use points"), never an
emptied or unreadable box.
"""

from django import forms
from django.utils.translation import gettext_lazy as _


class PointsField(forms.IntegerField):
    """A whole number; a box of spaces is an empty box (IntegerField would call it not a number)."""

    def to_python(self, value):
        return super().to_python(value.strip() if isinstance(value, str) else value)


class RedeemPointsForm(forms.Form):
    """How many points to set aside: a whole number above zero. Whether the shopper has them
    and the basket allows them is the service's to say, under the account's lock."""

    points = PointsField(
        min_value=1,
        error_messages={
            "required": _("Enter how many points to use, or choose “Don’t use points”."),
            "invalid": _("Points must be a whole number."),
            "min_value": _("Points must be more than zero. To use none, choose “Don’t use points”."),
        },
    )

    @property
    def problem(self):
        """The one message for what was sent, when the form is not valid."""
        return next(iter(self.errors.get("points", [])), "")
