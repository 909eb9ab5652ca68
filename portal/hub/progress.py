"""Production's view of an order, for the customer's timeline (the hub checked ownership)."""

from production import selectors as production_selectors


def production_progress(order):
    return production_selectors.order_progress(order_id=order.pk)
