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
from django.utils.translation import gettext_lazy as _
from oscar.apps.customer import mixins as oscar_mixins
from oscar.apps.customer.signals import user_registered

from loyalty.reminders import services as reminder_services
from loyalty.reminders.models import ConsentRecord

logger = logging.getLogger(__name__)

ADDRESS_TAKEN = _("A user with that email address already exists")


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
                reminder_services.record_consent(
                    user=user,
                    allowed=form.consent_allowed(),
                    wording=form.consent_wording(),
                    source=ConsentRecord.Source.REGISTRATION,
                )
        except IntegrityError:
            # Both requests of a double click passed the form's "already exists" check; the
            # database's case-insensitive unique address refused this one's row. The same
            # person (same password) is signed in to the account the first request made.
            logger.info("Registration raced another for the same address; signing in to the first")
            user = self._sign_in(email, password)
            if user is None:
                form.add_error("email", ADDRESS_TAKEN)
            return user

        user_registered.send_robust(sender=self, request=self.request, user=user)
        if getattr(settings, "OSCAR_SEND_REGISTRATION_EMAIL", True):
            self.send_registration_email(user)
        return self._sign_in(email, password)

    def _sign_in(self, email, password):
        user = authenticate(self.request, username=email, password=password)
        if user is not None:
            auth_login(self.request, user)
        return user
