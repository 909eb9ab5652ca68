"""The two views that register, and the pages that change a password.

Registering: a registration that signed nobody in shows the form again. Oscar's views already
mix in our `RegisterUserMixin` and use our forms (get_class finds this fork's `mixins` and
`forms`); only what they do after `register_user` changes here.

Changing a password (Oscar's page, and Wagtail's and Django admin's own) or the email address
(Oscar's profile page, Wagtail's account page): the password is checked through the sign-in
lockout (`portal.customer.lockout`, `portal.customer.email_change`).
"""

from functools import partial

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from oscar.apps.customer import views as oscar_views
from wagtail.admin.views import account as wagtail_account

from . import email_change, lockout

ALREADY_REGISTERED = _("You already have an account with this address, so we signed you in.")


class AccountAuthView(oscar_views.AccountAuthView):
    """Sign in or register on one page (/accounts/login/)."""

    def get_registration_form_kwargs(self, bind_data=False):
        # The request: the invite code waiting in the session, and the limit on looking codes up.
        return {**super().get_registration_form_kwargs(bind_data), "request": self.request}

    def validate_registration_form(self):
        form = self.get_registration_form(bind_data=True)
        if form.is_valid():
            if self.register_user(form) is not None:
                messages.success(self.request, self.get_registration_success_message(form))
                return redirect(self.get_registration_success_url(form))
        elif self.sign_in_to_existing_account(form) is not None:
            messages.success(self.request, ALREADY_REGISTERED)
            return redirect(_next_page(form))
        return self.render_to_response(self.get_context_data(registration_form=form))


class AccountRegistrationView(oscar_views.AccountRegistrationView):
    """Register on its own page (/accounts/register/, where checkout's "create an account" leads)."""

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def form_valid(self, form):
        if self.register_user(form) is None:
            return self.form_invalid(form)
        return redirect(form.cleaned_data["redirect_url"])

    def form_invalid(self, form):
        if self.sign_in_to_existing_account(form) is not None:
            messages.success(self.request, ALREADY_REGISTERED)
            return redirect(_next_page(form))
        return super().form_invalid(form)


def _next_page(form):
    # The form's own check of `redirect_url` (same host, a page of this site) ran in is_valid().
    return form.cleaned_data.get("redirect_url") or settings.LOGIN_REDIRECT_URL


# --- password changes: the old password is checked through the sign-in lockout ---------------
# (portal.customer.lockout says why). Oscar's page, Django admin's and Wagtail's account page.


class LockoutAnswers429:
    """A form view whose form was refused by the lockout answers 429, as the sign-in page does."""

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.locked:
            response.status_code = 429
        return response


class ChangePasswordView(LockoutAnswers429, oscar_views.ChangePasswordView):
    form_class = lockout.PasswordChangeForm


class ProfileUpdateView(LockoutAnswers429, oscar_views.ProfileUpdateView):
    """Oscar's profile page (/accounts/profile/edit/): a new address needs the current password."""

    def send_email_changed_email(self, old_user, new_email):
        # Oscar calls this after saving a real change (the address compared in its one spelling).
        email_change.tell_old_address(request=self.request, old_user=old_user, new_email=new_email)


class AdminPasswordChangeView(LockoutAnswers429, auth_views.PasswordChangeView):
    """Django admin's own "change password" (`portal.admin_site` routes it here)."""

    form_class = lockout.AdminPasswordChangeForm


class WagtailPasswordPanel(wagtail_account.ChangePasswordPanel):
    @property
    def form_class(self):
        return partial(lockout.WagtailPasswordChangeForm, request=self.request)

    def get_form(self):
        # Wagtail builds a panel's form again to render it, and each build would validate (and
        # count) the password again: one form per panel, and (below) one set of panels per request.
        if not hasattr(self, "_form"):
            self._form = super().get_form()
        return self._form


class WagtailNameEmailPanel(wagtail_account.NameEmailSettingsPanel):
    """The name and email panel: a new address needs the current password, one check per request."""

    @property
    def form_class(self):
        return partial(email_change.WagtailNameEmailForm, request=self.request)

    def get_form(self):
        if not hasattr(self, "_form"):
            self._form = super().get_form()
        return self._form


class WagtailAccountView(wagtail_account.AccountView):
    """Wagtail's account page (/cms/account/, routed in portal.urls before Wagtail's own)."""

    ours = {
        wagtail_account.ChangePasswordPanel: WagtailPasswordPanel,
        wagtail_account.NameEmailSettingsPanel: WagtailNameEmailPanel,
    }

    def get_panels(self):
        if not hasattr(self, "_panels"):
            self._panels = [
                self.ours[type(panel)](panel.request, panel.user, panel.profile) if type(panel) in self.ours else panel
                for panel in super().get_panels()
            ]
        return self._panels

    def post(self, request):
        # As saved: validating the name and email panel writes the typed address on request.user.
        old_user = get_user_model()._default_manager.get(pk=request.user.pk)
        response = super().post(request)
        checked = [panel.get_form() for panel in self.get_panels() if type(panel) in self.ours.values()]
        if any(form.locked for form in checked):
            response.status_code = 429
        elif response.status_code == 302 and request.user.email != old_user.email:
            # Wagtail redirects once every panel is saved: the change is real.
            email_change.tell_old_address(request=request, old_user=old_user, new_email=request.user.email)
        return response
