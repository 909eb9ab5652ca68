import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Cancellation


class CancellationForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why are you cancelling?"), choices=[("", _("Choose a reason")), *Cancellation.Reason.choices]
    )
    # One per rendering of the form: a double click sends the same key twice and cancels once.
    key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
