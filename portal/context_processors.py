"""Template context every page of the storefront shares."""

from django.conf import settings
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from oscar.core.loading import get_class

from .cms.frame import site_frame as load_site_frame

oscar_search_form = get_class("search.context_processors", "search_form")


def site_frame(request):
    # Lazy: staff pages and JSON-rendering views never pay for the menu and footer.
    return {
        "site_frame": SimpleLazyObject(load_site_frame),
        "payments_test_mode": not settings.STRIPE_SECRET_KEY,
    }


def shop_search_form(request):
    """Oscar's search form (the header's search box, the results page's sort) outside Wagtail's admin.

    Wagtail's listing headers draw whatever `search_form` the context holds, so on a listing with
    no search of its own (reminder rules, menus, footers) Oscar's sort options showed in the bar.
    """
    if request.path.startswith(reverse("wagtailadmin_home")):
        return {}
    return oscar_search_form(request)
