"""Sending documents to customers."""

import logging

from django.contrib.sites.models import Site
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_class, get_model

from portal.order.notes import warn_once

from .invoice import invoice_pdf
from .models import STALE_CLAIM, OrderConfirmation
from .selectors import CONFIRMATION

logger = logging.getLogger(__name__)

Order = get_model("order", "Order")
CommunicationEventType = get_model("communication", "CommunicationEventType")
OrderDispatcher = get_class("order.utils", "OrderDispatcher")


def _status_url(order):
    if order.user_id:
        path = reverse("customer:order", kwargs={"order_number": order.number})
    else:
        path = reverse("customer:anon-order", kwargs={"order_number": order.number, "hash": order.verification_hash()})
    return path, f"https://{Site.objects.get_current().domain}{path}"


def _claim(order_id):
    """Take the order's confirmation for this worker, or None if it is sent or being sent.

    A short transaction of its own: the claim row (unique per order) is what two workers race
    for, and it is committed before anything slow happens.
    """
    now = timezone.now()
    with transaction.atomic():
        claim, _ = OrderConfirmation.objects.select_for_update().get_or_create(order_id=order_id)
        if claim.sent_at or claim.skipped:
            return None
        if claim.claimed_at and claim.claimed_at > now - STALE_CLAIM:
            return None
        if Order.objects.filter(pk=order_id, communication_events__event_type__code=CONFIRMATION).exists():
            claim.sent_at = now  # sent before claims existed (the demo data, earlier releases)
            claim.save(update_fields=["sent_at"])
            return None
        claim.claimed_at = now
        claim.save(update_fields=["claimed_at"])
        return claim


def send_order_confirmation(*, order_id):
    """Email the paid order's confirmation with its invoice attached, once per order.

    Nothing is locked while the invoice renders and the email goes out (webhooks and refunds
    need the order meanwhile): a committed claim keeps a second run (a retry, a duplicate
    message) from sending too. If sending fails, the claim is given back and the error raised,
    so the task's retry (or the reconciler) sends it; the failure is noted on the order once.
    An order with no address to write to is noted once and left alone.
    """
    CommunicationEventType.objects.get_or_create(
        code=CONFIRMATION, defaults={"name": "Order confirmation", "category": CommunicationEventType.ORDER_RELATED}
    )
    claim = _claim(order_id)
    if claim is None:
        return False
    order = Order.objects.select_related("user").get(pk=order_id)
    if not order.email:
        claim.skipped = "no email address"
        claim.save(update_fields=["skipped"])
        warn_once(order, "No confirmation email was sent: the order has no email address.")
        return False
    try:
        path, url = _status_url(order)
        context = {"order": order, "lines": order.lines.all(), "user": order.user}
        context.update(status_path=path, status_url=url)
        attachments = [(f"invoice-{order.number}.pdf", invoice_pdf(order), "application/pdf")]
        OrderDispatcher(logger=logger).send_order_placed_email_for_user(order, context, attachments=attachments)
    except Exception as error:
        OrderConfirmation.objects.filter(pk=claim.pk, sent_at__isnull=True).update(claimed_at=None)
        if warn_once(order, f"The confirmation email could not be sent: {type(error).__name__}: {error}"):
            logger.exception("Order %s: the confirmation email could not be sent", order.number)
        raise
    OrderConfirmation.objects.filter(pk=claim.pk).update(sent_at=timezone.now())
    return True
