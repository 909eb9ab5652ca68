"""Sending documents to customers."""

import logging

from django.contrib.sites.models import Site
from django.db import transaction
from django.urls import reverse
from oscar.core.loading import get_class, get_model

from .invoice import invoice_pdf

logger = logging.getLogger(__name__)

Order = get_model("order", "Order")
CommunicationEventType = get_model("communication", "CommunicationEventType")
OrderDispatcher = get_class("order.utils", "OrderDispatcher")

CONFIRMATION = OrderDispatcher.ORDER_PLACED_EVENT_CODE


def _status_url(order):
    if order.user_id:
        path = reverse("customer:order", kwargs={"order_number": order.number})
    else:
        path = reverse("customer:anon-order", kwargs={"order_number": order.number, "hash": order.verification_hash()})
    return path, f"https://{Site.objects.get_current().domain}{path}"


def send_order_confirmation(*, order_id):
    """Email the paid order's confirmation with its invoice attached, once per order.

    Locks the order while it checks the audit trail and sends, so two runs of the task
    (a retry, a duplicate message) send one email.
    """
    CommunicationEventType.objects.get_or_create(
        code=CONFIRMATION, defaults={"name": "Order confirmation", "category": CommunicationEventType.ORDER_RELATED}
    )
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        if order.communication_events.filter(event_type__code=CONFIRMATION).exists():
            return False
        path, url = _status_url(order)
        context = {
            "order": order,
            "lines": order.lines.all(),
            "user": order.user,
            "status_path": path,
            "status_url": url,
        }
        attachments = [(f"invoice-{order.number}.pdf", invoice_pdf(order), "application/pdf")]
        OrderDispatcher(logger=logger).send_order_placed_email_for_user(order, context, attachments=attachments)
    return True
