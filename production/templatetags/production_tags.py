"""Production's part of pages other apps own: the ship date the checkout promises."""

from django import template

from ..selectors.promises import ship_date_for_lines

register = template.Library()


@register.simple_tag
def basket_ship_date(basket):
    """The date the checkout promises for the made-to-order lines of a basket (None if there are none)."""
    return ship_date_for_lines(basket.all_lines())
