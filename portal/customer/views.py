"""The two views that register: a registration that signed nobody in shows the form again.

Oscar's views already mix in our `RegisterUserMixin` and use our forms (get_class finds this
fork's `mixins` and `forms`); only what they do after `register_user` changes here.
"""

from django.contrib import messages
from django.shortcuts import redirect
from oscar.apps.customer import views as oscar_views


class AccountAuthView(oscar_views.AccountAuthView):
    """Sign in or register on one page (/accounts/login/)."""

    def validate_registration_form(self):
        form = self.get_registration_form(bind_data=True)
        if form.is_valid() and self.register_user(form) is not None:
            messages.success(self.request, self.get_registration_success_message(form))
            return redirect(self.get_registration_success_url(form))
        return self.render_to_response(self.get_context_data(registration_form=form))


class AccountRegistrationView(oscar_views.AccountRegistrationView):
    """Register on its own page (/accounts/register/, where checkout's "create an account" leads)."""

    def form_valid(self, form):
        if self.register_user(form) is None:
            return self.form_invalid(form)
        return redirect(form.cleaned_data["redirect_url"])
