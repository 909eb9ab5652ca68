"""The e-mail that gives the customer their pay link, once per sending.

Sent by a Celery task after the transaction that sent the basket commits: `emailed_at` is
claimed with a conditional UPDATE before anything is sent and given back if sending fails, so
the task's retry sends it and a second run sends nothing. Rendered through Oscar's
communication event type ASSISTED_BASKET (templates oscar/communication/emails/
commtype_assisted_basket_*), so the customer finds it under "Emails we sent".
"""

import logging

from django.utils import timezone
from oscar.core.loading import get_class

from .links import pay_url
from .models import AssistedBasket
from .services import priced

logger = logging.getLogger(__name__)
Dispatcher = get_class("communication.utils", "Dispatcher")

CODE = "ASSISTED_BASKET"


def send_pay_link_mail(*, assisted_id):
    claimed = AssistedBasket.objects.filter(
        pk=assisted_id, state=AssistedBasket.State.SENT, emailed_at__isnull=True
    ).update(emailed_at=timezone.now())
    if not claimed:
        return False
    assisted = AssistedBasket.objects.select_related("basket", "customer", "created_by", "ticket").get(pk=assisted_id)
    basket = priced(assisted)
    context = {
        "assisted": assisted,
        "customer_name": assisted.customer.get_full_name() or assisted.customer.email,
        "staff_name": (assisted.created_by.first_name if assisted.created_by else "") or "",
        "lines": basket.all_lines(),
        "basket": basket,
        "pay_url": pay_url(assisted),
    }
    try:
        dispatcher = Dispatcher(logger=logger)
        dispatcher.dispatch_user_messages(assisted.customer, dispatcher.get_messages(CODE, context))
    except Exception:
        AssistedBasket.objects.filter(pk=assisted_id).update(emailed_at=None)
        raise
    return True
