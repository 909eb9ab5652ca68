"""Oscar's root app without its "" redirect, so Wagtail serves the home page.

This is Oscar's documented seam ("changing the root app"): the subclass keeps the
`oscar` label and every other route (catalogue, basket, checkout, accounts, dashboard).
"""

from django.urls import URLPattern
from oscar.config import Shop


class AtelierShop(Shop):
    def ready(self):
        super().ready()
        # A new password from a reset link lifts the sign-in lockout (portal.customer.lockout).
        from portal.customer.lockout import ResetPasswordForm

        self.set_password_form = ResetPasswordForm

    def get_urls(self):
        return [url for url in super().get_urls() if not (isinstance(url, URLPattern) and url.name == "home")]
