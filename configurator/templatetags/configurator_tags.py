from functools import lru_cache

from django import template
from django.core.signals import setting_changed
from django.utils.translation import get_language
from oscar.templatetags.currency_filters import currency as oscar_currency

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


@register.filter(name="currency")
def currency(value, currency_format=None):
    """Oscar's `currency` filter, remembered per value, currency and language: the live quote shows
    a handful of amounts (price, each option's line) on every change, and Babel's formatting was a
    tenth of a quote. A template loading this library after Oscar's `currency_filters` uses it."""
    try:
        return _formatted(value, type(value), str(value), currency_format, get_language())
    except TypeError:  # unhashable: formatted afresh, as Oscar does
        return oscar_currency(value, currency_format)


@lru_cache(maxsize=4096)
def _formatted(value, kind, text, currency_format, language):
    # `kind` and `text` are in the key so 10, 10.0 and Decimal("10.00") (equal, one hash) stay apart.
    return oscar_currency(value, currency_format)


def _forget_formats(*, setting, **kwargs):
    if setting in {"OSCAR_CURRENCY_FORMAT", "OSCAR_DEFAULT_CURRENCY", "LANGUAGE_CODE"}:
        _formatted.cache_clear()


setting_changed.connect(_forget_formats, dispatch_uid="configurator-currency-formats")
