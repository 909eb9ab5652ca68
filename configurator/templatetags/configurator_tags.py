from django import template

from configurator import selectors, services
from configurator.panel import build_panel

register = template.Library()


@register.simple_tag
def product_configurator(product, values=None):
    """The configurator panel for a product, or None when the product is not configurable."""
    slug = selectors.family_for_product(product.pk)
    if slug is None:
        return None
    return build_panel(services.configure(family_slug=slug, values=values or {}))


@register.simple_tag
def family_configurator(slug, values=None):
    """The configurator panel for a family by slug (used by CMS blocks), or None if it is not published."""
    try:
        return build_panel(services.configure(family_slug=slug, values=values or {}))
    except selectors.Http404:
        return None


@register.filter
def money_delta(amount):
    """+£120.00 / −£20.00 / an empty string for zero."""
    if not amount:
        return ""
    sign = "+" if amount > 0 else "−"
    return f"{sign}£{abs(amount):,.2f}"
