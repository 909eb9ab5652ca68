"""The e-mail that tells the customer their order is cancelled, once per cancellation.

Sent by a Celery task after the cancellation commits: `emailed_at` is claimed with a conditional
UPDATE before anything is sent and given back if sending fails, so the task's retry sends it and
a second run sends nothing. Rendered through Oscar's communication event type ORDER_CANCELLED
(templates oscar/communication/emails/commtype_order_cancelled_*) and recorded on the order.
"""

import logging
from datetime import timedelta

from django.contrib.sites.models import Site
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_class, get_model

from .models import Cancellation

logger = logging.getLogger(__name__)
CommunicationEventType = get_model("communication", "CommunicationEventType")
OrderDispatcher = get_class("order.utils", "OrderDispatcher")

CODE = "ORDER_CANCELLED"


def send_cancellation_mail(*, cancellation_id):
    """Tell the customer the order is cancelled, what comes back and when. Once; True if sent now."""
    return send_once(
        Cancellation, cancellation_id, CODE, "Order cancelled", lambda cancellation: {"cancellation": cancellation}
    )


def send_once(model, pk, code, name, context_of):
    """Send the order mail `code` about the `model` row `pk` once: its `emailed_at` claimed first
    and given back if sending fails (so the task's retry sends it). `context_of(row)` adds to the
    order, the customer's name and the order page's address. True if sent now."""
    claimed = model.objects.filter(pk=pk, emailed_at__isnull=True).update(emailed_at=timezone.now())
    if not claimed:
        return False
    row = model.objects.select_related("order", "order__user").get(pk=pk)
    order = row.order
    CommunicationEventType.objects.get_or_create(
        code=code, defaults={"name": name, "category": CommunicationEventType.ORDER_RELATED}
    )
    path = reverse("customer:order", kwargs={"order_number": order.number})
    context = {
        "order": order,
        "customer_name": order.user.get_full_name() if order.user else "",
        "order_url": f"https://{Site.objects.get_current().domain}{path}",
        **context_of(row),
    }
    try:
        dispatcher = OrderDispatcher(logger=logger)
        messages = dispatcher.dispatcher.get_messages(code, context)
        dispatcher.dispatch_order_messages(order, messages, code)
    except Exception:
        model.objects.filter(pk=pk).update(emailed_at=None)
        raise
    return True


def cancellations_not_emailed(*, within=timedelta(days=7), grace=timedelta(minutes=10), limit=200):
    """Ids of cancellations of the last `within` (older than `grace`) whose e-mail never went: the
    reconciler's finder. A mail being sent is claimed (emailed_at set), so it is not found twice."""
    now = timezone.now()
    return list(
        Cancellation.objects.filter(emailed_at__isnull=True, created_at__gte=now - within, created_at__lt=now - grace)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )


def resend(cancellation_id):
    """The reconciler's redo: the mail task sent again (it sends nothing if the mail went meanwhile)."""
    from . import tasks

    tasks.send_cancellation_mail.delay(cancellation_id)
