"""The audit trail: every change to production is a ProductionEvent (who, when, what).

Events with a customer label also appear on the shopper's order timeline
(`production.selectors.progress`), so a label names no staff.
"""

from ..models import ProductionEvent


def record_event(*, kind, description, user=None, work_order=None, operation=None, customer_label="", order_id=None):
    if order_id is None and work_order is not None:
        order_id = work_order.order_id
    return ProductionEvent.objects.create(
        kind=kind,
        description=description,
        user=user,
        work_order=work_order,
        operation=operation,
        customer_label=customer_label,
        order_id=order_id,
    )
