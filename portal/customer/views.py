"""The two views that register: a registration that signed nobody in shows the form again.

Oscar's views already mix in our `RegisterUserMixin` and use our forms (get_class finds this
fork's `mixins` and `forms`); only what they do after `register_user` changes here.
"""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from oscar.apps.customer import views as oscar_views

ALREADY_REGISTERED = _("You already have an account with this address, so we signed you in.")


class AccountAuthView(oscar_views.AccountAuthView):
    """Sign in or register on one page (/accounts/login/)."""

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
