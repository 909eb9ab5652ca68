"""Template context every page of the storefront shares."""

from django.conf import settings
from django.utils.functional import SimpleLazyObject

from .cms.frame import site_frame as load_site_frame


def site_frame(request):
    # Lazy: staff pages and JSON-rendering views never pay for the menu and footer.
    return {
        "site_frame": SimpleLazyObject(load_site_frame),
        "payments_test_mode": not settings.STRIPE_SECRET_KEY,
    }
