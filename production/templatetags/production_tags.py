"""Production's part of pages other apps own: the ship date the checkout promises."""

from django import template

from .. import selectors

register = template.Library()


@register.simple_tag
def basket_ship_date(basket):
    """The date the checkout promises for the made-to-order lines of a basket (None if there are none)."""
    return selectors.ship_date_for_lines(basket.all_lines())
