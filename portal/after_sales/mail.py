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
    claimed = Cancellation.objects.filter(pk=cancellation_id, emailed_at__isnull=True).update(emailed_at=timezone.now())
    if not claimed:
        return False
    cancellation = Cancellation.objects.select_related("order", "order__user").get(pk=cancellation_id)
    order = cancellation.order
    CommunicationEventType.objects.get_or_create(
        code=CODE, defaults={"name": "Order cancelled", "category": CommunicationEventType.ORDER_RELATED}
    )
    path = reverse("customer:order", kwargs={"order_number": order.number})
    context = {
        "order": order,
        "cancellation": cancellation,
        "customer_name": order.user.get_full_name() if order.user else "",
        "order_url": f"https://{Site.objects.get_current().domain}{path}",
    }
    try:
        dispatcher = OrderDispatcher(logger=logger)
        messages = dispatcher.dispatcher.get_messages(CODE, context)
        dispatcher.dispatch_order_messages(order, messages, CODE)
    except Exception:
        Cancellation.objects.filter(pk=cancellation_id).update(emailed_at=None)
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
