"""Staff's forms for an assisted basket. None carries a price: prices are the server's."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from care.forms import SubmissionKey


class StartForm(forms.Form):
    """Start a basket for the customer named by the page (a ticket's, or one found by id)."""

    submission = SubmissionKey()


class ProductLookupForm(forms.Form):
    q = forms.CharField(label=_("Product name, UPC, or made-to-order family"), max_length=120, required=False)


class StockedLineForm(forms.Form):
    product = forms.IntegerField(widget=forms.HiddenInput)
    quantity = forms.IntegerField(
        label=_("Quantity"),
        min_value=1,
        max_value=settings.OSCAR_MAX_BASKET_QUANTITY_THRESHOLD,
        initial=1,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "size": 4}),
        error_messages={
            "required": _("Enter how many the customer wants."),
            "invalid": _("Enter a whole number, such as 2."),
            "min_value": _("Enter 1 or more."),
            "max_value": _("Enter at most %(limit_value)s."),
        },
    )
