import json
import uuid
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Cancellation


class CancellationForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why are you cancelling?"), choices=[("", _("Choose a reason")), *Cancellation.Reason.choices]
    )
    # One per rendering of the form: a double click sends the same key twice and cancels once.
    key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)


class DesignChangeForm(forms.Form):
    """The confirmation of a new design: the design itself (checked and priced again on the
    server), the difference the customer was shown (only compared, never charged: a different
    one shows the review again) and the form's one-time key."""

    values = forms.CharField(widget=forms.HiddenInput, max_length=20_000)
    shown_difference = forms.DecimalField(
        widget=forms.HiddenInput,
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("-1000000"),
        max_value=Decimal("1000000"),
    )
    key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)

    def clean_values(self):
        try:
            values = json.loads(self.cleaned_data["values"])
        except ValueError:
            raise forms.ValidationError(_("The design could not be read: start again from the order.")) from None
        if not isinstance(values, dict):
            raise forms.ValidationError(_("The design could not be read: start again from the order."))
        return values
