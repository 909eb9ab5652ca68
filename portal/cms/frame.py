"""What the site frame shows on every page: the main menu, the footer and the privacy notice's address.

Both are read once and cached as plain data, because every page of the site renders
them; publishing a menu, a footer or a page clears the cache (see `receivers`).
"""

from collections import OrderedDict

from django.core.cache import caches
from django.utils.connection import ConnectionProxy

from .models import PrivacyPage
from .navigation import NavigationMenu, SiteFooter

# In the cache every worker shares: the stored pages are built from it (portal/pagecache.py).
cache = ConnectionProxy(caches, "storefront")

CACHE_KEY = "cms:site-frame:v2"
CACHE_SECONDS = 300


def _links(queryset):
    return [{"label": link.label, "href": link.href} for link in queryset.select_related("link_page")]


def _build_frame():
    menu = NavigationMenu.objects.filter(slug="main", live=True).first()
    footer = SiteFooter.objects.filter(live=True).order_by("pk").first()
    privacy = PrivacyPage.objects.live().first()
    privacy_url = privacy.get_url() if privacy else None
    columns = OrderedDict()
    if footer:
        for link in footer.links.select_related("link_page"):
            columns.setdefault(link.column, []).append({"label": link.label, "href": link.href})
    return {
        "menu": _links(menu.links.all()) if menu else [],
        "privacy_url": privacy_url,
        # The footer always links the notice: the template adds it when editors' columns do not.
        "footer_links_privacy": any(link["href"] == privacy_url for links in columns.values() for link in links),
        "footer": (
            {
                "strapline": footer.strapline,
                "contact": footer.contact,
                "legal": footer.legal,
                "columns": list(columns.items()),
            }
            if footer
            else None
        ),
    }


def site_frame():
    """The published menu and footer as plain data, from the cache when it is warm."""
    frame = cache.get(CACHE_KEY)
    if frame is None:
        frame = _build_frame()
        cache.set(CACHE_KEY, frame, CACHE_SECONDS)
    return frame


def clear_site_frame_cache(**kwargs):
    cache.delete(CACHE_KEY)
