"""Production's view of an order, for the customer's timeline."""


def production_progress(order):
    return None
