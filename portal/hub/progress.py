"""Production's view of an order, for the customer's timeline (the hub checked ownership)."""

from production.selectors.progress import order_progress


def production_progress(order):
    return order_progress(order_id=order.pk)
