from django import template

from configurator import selectors
from configurator.panel import build_panel
from configurator.quote_extras import extras_for
from configurator.quoting import configure

register = template.Library()


@register.simple_tag
def product_configurator(product, values=None):
    """The configurator panel for a product, or None when the product is not configurable."""
    slug = selectors.family_for_product(product.pk)
    if slug is None:
        return None
    return _panel(slug, values)


@register.simple_tag
def family_configurator(slug, values=None):
    """The configurator panel for a family by slug (used by CMS blocks), or None if it is not published."""
    try:
        return _panel(slug, values)
    except selectors.Http404:
        return None


def _panel(slug, values):
    panel = build_panel(configure(family_slug=slug, values=values or {}))
    if not values:
        panel.shared_key = f"{slug}:{panel.family.version}"
    return panel


@register.simple_tag(takes_context=True)
def quote_extras(context, configuration):
    """The lines other apps add under the quote (say, "Earn 120 points").

    Read here, where the quote is drawn, so that every page showing a configurator (product
    page, its own page, a CMS block) has them on first render, as the live update does.
    """
    request = context.get("request")
    if request is None:
        return []
    return extras_for(request=request, configuration=configuration)


@register.filter
def money_delta(amount):
    """+£120.00 / −£20.00 / an empty string for zero."""
    if not amount:
        return ""
    sign = "+" if amount > 0 else "−"
    return f"{sign}£{abs(amount):,.2f}"
