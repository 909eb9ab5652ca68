"""Facts that cross apps, as explicit functions. `grep order_paid` shows everything that follows one.

Each fact is sent after the transaction that established it commits, so nothing happens
for a payment that rolled back, and each receiving effect is idempotent in its own app
(work orders keyed by order line, points keyed by order), so a fact seen twice is harmless.
"""

from django.db import transaction
from django.dispatch import Signal

# Sent once per order, after the commit that marked it paid. Arguments: order_id, number.
order_paid_signal = Signal()
# Sent after each refund commits. Arguments: order_id, number, amount (Decimal), refund_reference.
order_refunded_signal = Signal()


def order_paid(order):
    """The order is paid: production may plan it, loyalty may count it."""
    order_id, number = order.pk, order.number
    transaction.on_commit(
        lambda: order_paid_signal.send_robust(sender=order.__class__, order_id=order_id, number=number)
    )


def order_refunded(order, amount, refund_reference):
    """Money went back to the customer: loyalty reverses what the refunded part earned."""
    order_id, number = order.pk, order.number
    transaction.on_commit(
        lambda: order_refunded_signal.send_robust(
            sender=order.__class__, order_id=order_id, number=number, amount=amount, refund_reference=refund_reference
        )
    )
