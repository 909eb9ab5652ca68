"""Production's view of an order, for the customer's timeline (the hub checked ownership)."""

from production.selectors.progress import order_progress, progress_for_orders


def production_progress(order):
    return order_progress(order_id=order.pk)


def production_progress_for(orders):
    """{order id: production's view} for several orders, read once for all of them."""
    return progress_for_orders([order.pk for order in orders])
