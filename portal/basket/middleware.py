"""Oscar's basket middleware, with SameSite on the basket cookie.

Oscar sets the anonymous shopper's basket cookie (and deletes it once a sign-in merges the
basket) with no SameSite attribute, so it would travel on cross-site requests where the
browser's default allows. The cookie gets the session cookie's SameSite, as Oscar's own
recently-viewed cookie does; Secure still follows OSCAR_BASKET_COOKIE_SECURE.
"""

from django.conf import settings
from oscar.apps.basket.middleware import BasketMiddleware as OscarBasketMiddleware


class BasketMiddleware(OscarBasketMiddleware):
    def process_response(self, request, response):
        response = super().process_response(request, response)
        names = {self.get_cookie_key(request), *getattr(request, "cookies_to_delete", ())}
        for name in names & set(response.cookies):
            response.cookies[name]["samesite"] = settings.SESSION_COOKIE_SAMESITE
        return response
