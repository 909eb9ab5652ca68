"""The sign-in lockout (django-axes) wherever a password is typed, not only where one signs in.

A form that asks a signed-in person for their password (to delete the account, to change the
password: the hub's, Oscar's, Wagtail's, Django admin's) is as good a place to guess it as the
sign-in page, for whoever holds the session (a shared computer, a stolen session cookie), and
the password it finds is then the key to the account. So these forms check the password
through `django.contrib.auth.authenticate` with the request, as the sign-in forms do: axes
counts a wrong one against the same counter (the address in its one spelling, from this
client), and refuses every password, the right one too, once that counter is full, until the
cool-off ends. A right password counts nothing and resets nothing: it is not a sign-in.

A password set anew through a reset link makes every guess at the old one moot, and the
lockout page sends people to that link, so a reset lifts the lockout for the address.
"""

import logging

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django import forms
from django.contrib.admin import forms as admin_forms
from django.contrib.auth import authenticate
from django.contrib.auth import forms as auth_forms
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import auth as wagtail_forms

logger = logging.getLogger(__name__)

LOCKED = _(
    "Too many wrong passwords. For your security, entering this account's password from here is "
    "paused for %(minutes)d minutes; nothing was changed."
)


def password_confirmed(*, request, user, password):
    """Is `password` the signed-in `user`'s? A wrong one counts against their sign-in lockout.

    Returns True or False; raises `forms.ValidationError` (code "locked") when the lockout is
    full, before this try or because of it, whatever the password.
    """
    if not password:
        return False  # an empty field is no guess: nobody's password is empty
    found = authenticate(request, username=user.get_username(), password=password)
    if getattr(request, "axes_locked_out", False):
        # The form says so in place, for someone who is signed in; without this, axes'
        # middleware would swap the page for the sign-in lockout page.
        request.axes_locked_out = False
        minutes = int(get_cool_off(request).total_seconds() // 60)
        raise forms.ValidationError(LOCKED, code="locked", params={"minutes": minutes})
    return found is not None and found.pk == user.pk


class PasswordCheckedThroughLockout:
    """For a form built with `request=` whose field `checked_field` holds the signed-in user's
    password: checks it with `password_confirmed`, keeping the form's own wrong-password message.

    `locked` tells the view to answer 429. Validate each form instance once (Django caches a
    form's errors); a view that builds the form twice for one request counts a guess twice.
    """

    checked_field = "old_password"
    wrong_password = _("Your old password was entered incorrectly. Please enter it again.")

    def __init__(self, *args, request, **kwargs):
        self.request = request
        self.locked = False
        super().__init__(*args, **kwargs)

    def check_password_field(self):
        password = self.cleaned_data.get(self.checked_field)
        try:
            confirmed = password_confirmed(request=self.request, user=self.user, password=password)
        except forms.ValidationError:
            self.locked = True
            raise
        if not confirmed:
            raise forms.ValidationError(self.wrong_password, code="password_incorrect")
        return password


class PasswordChangeForm(PasswordCheckedThroughLockout, auth_forms.PasswordChangeForm):
    """Django's change-password form (Oscar's page), its old password checked through the lockout."""

    def clean_old_password(self):
        return self.check_password_field()


class AdminPasswordChangeForm(PasswordCheckedThroughLockout, admin_forms.AdminPasswordChangeForm):
    """Django admin's own change-password form, the same way."""

    def clean_old_password(self):
        return self.check_password_field()


class WagtailPasswordChangeForm(PasswordCheckedThroughLockout, wagtail_forms.PasswordChangeForm):
    """The password panel of Wagtail's account page, the same way."""

    def clean_old_password(self):
        return self.check_password_field()


class ResetPasswordForm(auth_forms.SetPasswordForm):
    """The new password chosen from a reset link (Oscar's and Wagtail's reset pages)."""

    def save(self, commit=True):
        user = super().save(commit=commit)
        if commit:
            lift_lockout(user=user)
        return user


def lift_lockout(*, user):
    """Forget the failed sign-ins counted against `user`'s address, from every client.

    They were guesses at a password the account no longer has. Returns how many counters went.
    """
    return AxesProxyHandler.reset_attempts(username=user.get_username())


def prune_sign_in_records(*, older_than_days):
    """Delete what django-axes recorded (the address typed, the client's IP, the browser) more
    than `older_than_days` days ago: sign-ins and sign-outs (AccessLog), failures
    (AccessFailureLog) and failure counters (AccessAttempt; a live lockout is minutes old).

    Each kind in its own transaction, so one that fails leaves the others done; the next run
    tries it again. Returns {kind: rows deleted}; a kind that failed is logged and left out.
    """
    if older_than_days < 1:
        raise ValueError("Keep sign-in records for a day at least: a lockout needs its recent failures")
    cutoff = timezone.now() - timezone.timedelta(days=older_than_days)
    kinds = {
        # axes' own clean-up for its logs (what `axes_reset_logs --age` runs), by age in days
        "access_logs": lambda: AxesProxyHandler.reset_logs(age_days=older_than_days),
        "access_failure_logs": lambda: AxesProxyHandler.reset_failure_logs(age_days=older_than_days),
        # axes resets counters only by address or IP, so the age is ours
        "access_attempts": lambda: AccessAttempt.objects.filter(attempt_time__lte=cutoff).delete()[0],
    }
    deleted = {}
    for kind, delete in kinds.items():
        try:
            with transaction.atomic():
                deleted[kind] = delete()
        except Exception:
            logger.exception("Pruning sign-in records failed for %s", kind)
    return deleted
