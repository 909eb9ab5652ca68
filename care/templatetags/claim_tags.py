from django import template

from care.claims.selectors import order_claims as order_claims_panel

register = template.Library()


@register.simple_tag
def order_claims(order):
    """The order page's returns and warranty panel: `{% order_claims order as panel %}` (the page checked the owner)."""
    return order_claims_panel(order)
