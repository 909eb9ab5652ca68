"""Production's part of pages other apps own: the order's progress in the workshop."""

from django import template

from .. import selectors

register = template.Library()


@register.inclusion_tag("production/order_progress.html")
def order_production(order):
    """The order's stage, promised and planned ship dates and workshop timeline.

    The page has already loaded the order for its owner; this only reads by its id.
    """
    progress = selectors.order_progress(order_id=order.pk)
    shown = progress.stage != selectors.WAITING or progress.promised_ship_date or progress.events
    return {"progress": progress if shown else None}


@register.simple_tag
def basket_ship_date(basket):
    """The date the checkout promises for the made-to-order lines of a basket (None if there are none)."""
    return selectors.ship_date_for_lines(basket.all_lines())
