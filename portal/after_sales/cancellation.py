"""A customer cancels a paid order from the hub, until production starts.

In one transaction: the order's work orders withdrawn (production decides, with the same
conditional update the start button races against), the order moved to Cancelled with a note,
the cancellation recorded under the form's one-time key. After it commits: the money refunded in
full through the payment gateway (`refunds.refund_cancellation`: the dashboard's refund path, so
`order_refunded` takes the earned points back and gives the redeemed ones back), and the
customer e-mailed. Points held but not yet spent go back with the status change
(portal/receivers.py).
"""

from django.db import transaction
from django.utils.translation import gettext as _
from oscar.core.loading import get_class, get_model

from atelier.orders import OrderStatus
from loyalty.selectors.orders import points_of_order
from production import tasks as production_tasks
from production.services.withdrawal import ProductionStarted, withdraw_order_work

from ..payments.selectors import refundable
from . import refunds, tasks
from .models import Cancellation
from .selectors import CancellationRefused, outlook, refusal, started_words

__all__ = ["CancellationRefused", "cancel_order", "outlook", "refusal"]

Order = get_model("order", "Order")
EventHandler = get_class("order.processing", "EventHandler")


def cancel_order(*, order, by, reason, key):
    """Cancel a paid order whose production has not started, once per `key`.

    Refuses (CancellationRefused, nothing changed) an order that is not paid, already cancelled,
    refunded, shipped, or whose production started, including a start that races this call (the
    withdrawal's conditional update decides; it locks operations, then the plant, then the order,
    in the start button's order). The same `key` again (a double click) returns the cancellation
    it made. After commit the refund is asked for at once; if the gateway refuses or cannot be
    reached, the cancellation stands, a warning is noted for staff, and the `cancellation-refunds`
    reconciler asks again with the same idempotency key. Returns the Cancellation.
    """
    done = Cancellation.objects.filter(key=key).select_related("order").first()
    if done is not None:
        return _same_click(done, order)
    early = refusal(order)
    if early is not None:
        raise early
    why = f"order {order.number} cancelled by the customer"
    try:
        with transaction.atomic():
            withdrawn = withdraw_order_work(order_id=order.pk, why=why, user=by)
            locked = Order.objects.select_for_update().get(pk=order.pk)
            done = Cancellation.objects.filter(key=key).first()
            if done is not None:  # the same click, a moment earlier, won the lock
                return _same_click(done, order)
            late = refusal(locked)
            if late is not None:
                raise late
            # Work released while we waited for the order (release locks the order, not operations).
            withdrawn += withdraw_order_work(order_id=order.pk, why=why, user=by)
            points = points_of_order(order_number=locked.number)
            cancellation = Cancellation.objects.create(
                order=locked,
                key=key,
                refund_token=Cancellation.refund_token_for(locked.number),
                reason=reason,
                requested_by=by,
                refund_amount=refundable(locked),
                points_returned=points.redeemed,
                points_taken_back=points.earned,
            )
            label = Cancellation.Reason(reason).label
            EventHandler().handle_order_status_change(
                locked,
                OrderStatus.CANCELLED,
                note_msg=f"Cancelled by the customer before production started ({label}).",
            )
            cancellation_id = cancellation.pk
            transaction.on_commit(lambda: tasks.send_cancellation_mail.delay(cancellation_id))
            # The capacity it held goes to other work, as after a board action.
            trigger = f"order {locked.number} cancelled"
            for plant_id in sorted({work_order.plant_id for work_order in withdrawn}):
                transaction.on_commit(lambda plant_id=plant_id: production_tasks.replan_plant.delay(plant_id, trigger))
    except ProductionStarted as started:
        raise CancellationRefused(started_words(started.step), production_started=True) from started
    refunds.refund_cancellation(cancellation_id=cancellation.pk)
    return cancellation


def _same_click(done, order):
    if done.order_id != order.pk:  # a key is one form's, for one order
        raise CancellationRefused(_("This form was for another order: open the order and try again."))
    return done
