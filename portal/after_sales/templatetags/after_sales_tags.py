from django import template

from ..change_selectors import change_panel
from ..selectors import cancellation_panel

register = template.Library()


@register.simple_tag
def order_cancellation(order):
    """The order page's cancellation panel: `{% order_cancellation order as panel %}`."""
    return cancellation_panel(order)


@register.simple_tag
def order_design_changes(order):
    """The order page's design changes: `{% order_design_changes order as change_panel %}`."""
    return change_panel(order)
