from django import forms
from django.utils.translation import gettext_lazy as _

from portal.customer.lockout import PasswordCheckedThroughLockout


class DeletionRequestForm(PasswordCheckedThroughLockout, forms.Form):
    """The password (checked through the sign-in lockout: a session is not the password) and a confirmation."""

    checked_field = "password"
    wrong_password = _("That is not your password.")

    password = forms.CharField(
        label=_("Your password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    understood = forms.BooleanField(
        label=_("I understand that my designs, addresses, messages and points will be erased and cannot be restored.")
    )
    reason = forms.CharField(
        label=_("Anything you would like to tell us? (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        self.user = request.user

    def clean_password(self):
        return self.check_password_field()
