"""`{% if order|awaiting_payment %}`: the order's state by the kernel's names (atelier.orders),
so no template spells a status."""

from django import template

from atelier.orders import UNPAID

register = template.Library()


@register.filter
def awaiting_payment(order):
    """Placed and not paid yet (pending, or its payment failed): no invoice, the pay page instead."""
    return order.status in UNPAID
