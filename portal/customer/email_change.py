"""Changing the account's email address: the current password first, and word to the old address.

The address is where a password reset is sent, so whoever changes it can then reset the
password and own the account. A signed-in session is not enough for that (a shared computer, a
stolen cookie): the shop's profile form and Wagtail's account page ask for the current password
when the address changes, and only then (a new name needs none). It is checked through the
sign-in lockout (`portal.customer.lockout`), so a wrong one counts on the same counter and a
full counter refuses the change whatever is typed. After a real change the old address is told,
with a link to reset the password (Oscar's "email changed" message), in case it was not its owner.
"""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from oscar.apps.customer.utils import get_password_reset_url
from oscar.core.loading import get_class
from wagtail.admin.forms.account import NameEmailForm

from portal.users.emails import canonical_email

from .lockout import PasswordCheckedThroughLockout

CustomerDispatcher = get_class("customer.utils", "CustomerDispatcher")

PASSWORD_NEEDED = _("Enter your current password to change your email address.")
ADDRESS_TAKEN = _("A user with that email address already exists")


class EmailChangeNeedsPassword(PasswordCheckedThroughLockout):
    """For a form editing the signed-in user with an `email` field: adds `current_password`,
    required and checked through the lockout only when the address changes.

    `email_before` is the address the form started from (a ModelForm writes the typed one onto
    the user while validating, saved or not).
    """

    checked_field = "current_password"
    wrong_password = _("That is not your password.")

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        self.user = request.user
        self.email_before = request.user.email
        self.fields[self.checked_field] = forms.CharField(
            label=_("Current password"),
            help_text=_("Needed only to change your email address."),
            required=False,
            strip=False,
            widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        )

    def email_changes(self):
        email = self.cleaned_data.get("email")
        return email is not None and canonical_email(email) != canonical_email(self.email_before)

    def clean(self):
        cleaned_data = super().clean()
        # Only an address that would be saved is worth a password (a taken or malformed one
        # is refused anyway, and its password is not counted).
        if self.email_changes():
            if not cleaned_data.get(self.checked_field):
                self.add_error(self.checked_field, forms.ValidationError(PASSWORD_NEEDED, code="required"))
            else:
                try:
                    self.check_password_field()
                except forms.ValidationError as error:
                    self.add_error(self.checked_field, error)
        return cleaned_data


class WagtailNameEmailForm(EmailChangeNeedsPassword, NameEmailForm):
    """The name and email panel of Wagtail's account page."""

    def clean_email(self):
        # "EDITOR@atelier.example" typed by editor@atelier.example is no change (and warns nobody).
        email = canonical_email(self.cleaned_data["email"])
        # Refused here, as Oscar's form does, rather than by the model's check after `clean`:
        # a taken address is then no occasion to try a password.
        if get_user_model()._default_manager.filter(email=email).exclude(pk=self.user.pk).exists():
            raise forms.ValidationError(ADDRESS_TAKEN, code="unique")
        return email


def tell_old_address(*, request, old_user, new_email):
    """Oscar's "your email address has changed" message, to `old_user`'s address (as it was),
    with a link to reset the password of the account (`request.user`, as it is now)."""
    context = {
        "user": request.user,
        "reset_url": get_password_reset_url(request.user),
        "new_email": new_email,
        "request": request,
    }
    CustomerDispatcher().send_email_changed_email_for_user(old_user, context)
