"""Registration that signs the new customer in through django-axes.

Oscar's mixin authenticates without the request, which django-axes refuses
(`AxesBackendRequestParameterRequired`): the account was created and the shopper saw an error
page, signed out. Here the request goes along, so axes sees (and logs) the sign-in like any
other, and a lockout still applies.
"""

import logging

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth import login as auth_login
from django.db import IntegrityError, transaction
from oscar.apps.customer import mixins as oscar_mixins
from oscar.apps.customer.signals import user_registered

from loyalty.invites import SESSION_KEY
from loyalty.reminders.models import ConsentRecord
from loyalty.reminders.services.consent import record_consent
from loyalty.services.referrals import ReferralRefused, register_referral

from .forms import ADDRESS_TAKEN

logger = logging.getLogger(__name__)


class RegisterUserMixin(oscar_mixins.RegisterUserMixin):
    def register_user(self, form):
        """Create the account and its consent record, then sign the customer in.

        Returns the signed-in user, or None when nobody was signed in: the address was taken
        meanwhile by an account with another password (the form then carries the error), or
        axes has locked this address out here (its middleware answers with the lockout page).
        """
        email, password = form.cleaned_data["email"], form.cleaned_data["password1"]
        try:
            with transaction.atomic():
                user = form.save()
                record_consent(
                    user=user,
                    allowed=form.consent_allowed(),
                    wording=form.consent_wording(),
                    source=ConsentRecord.Source.REGISTRATION,
                )
                _record_referral(form, user)
        except IntegrityError:
            # Both requests of a double click passed the form's "already exists" check; the
            # database's case-insensitive unique address refused this one's row. The same
            # person (same password) is signed in to the account the first request made.
            logger.info("Registration raced another for the same address; signing in to the first")
            user = self._sign_in(email, password)
            if user is None:
                form.add_error("email", ADDRESS_TAKEN)
            return user

        self.request.session.pop(SESSION_KEY, None)
        user_registered.send_robust(sender=self, request=self.request, user=user)
        if getattr(settings, "OSCAR_SEND_REGISTRATION_EMAIL", True):
            self.send_registration_email(user)
        return self._sign_in(email, password)

    def sign_in_to_existing_account(self, form):
        """The address already has an account: with its password, sign in to it (through axes,
        counted like any sign-in, so this is no way around a lockout); None otherwise.

        A double click lands here when the first request committed before the second was
        checked; the browser shows the second answer, which must not say the registration
        failed. The form's consent choices are not applied to an account that already exists.
        """
        credentials = form.existing_account_credentials()
        return self._sign_in(*credentials) if credentials else None

    def _sign_in(self, email, password):
        user = authenticate(self.request, username=email, password=password)
        if user is not None:
            auth_login(self.request, user)
        return user


def _record_referral(form, user):
    """The friend who registered with a member's invite code (the form checked the code); a
    referral refused now (a rule the form cannot see) leaves the account without one."""
    referrer = getattr(form, "referrer", None)
    if referrer is None:
        return
    try:
        register_referral(referrer=referrer, friend=user, code=form.cleaned_data.get("invite_code", ""))
    except ReferralRefused as refused:
        logger.info("Registration of user %s with an invite: %s", user.pk, refused)
