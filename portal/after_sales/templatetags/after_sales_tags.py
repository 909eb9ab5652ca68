from django import template

from ..selectors import cancellation_panel

register = template.Library()


@register.simple_tag
def order_cancellation(order):
    """The order page's cancellation panel: `{% order_cancellation order as panel %}`."""
    return cancellation_panel(order)
