"""Orders still unpaid: the reconciler's question to the gateway, and the beat job that cancels them.

Each order on its own, so one that fails is noted on it and the others go on.
"""

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from oscar.core.loading import get_class, get_model

from atelier.orders import UNPAID, OrderStatus
from portal.order.notes import warn_once

from ..gateways import GatewayUnavailable, PaymentUnknown, gateway
from ..selectors import card_source
from .order_history import unknown_payment_message
from .payment_state import apply_payment_state, refresh_payment

logger = logging.getLogger(__name__)

Order = get_model("order", "Order")
EventHandler = get_class("order.processing", "EventHandler")


def check_pending_payment(number):
    """Ask the gateway about one order still unpaid (its webhook may have been lost) and apply what
    it says; portal/reconcile.py asks this of every order unpaid after five minutes.

    Raises GatewayUnavailable (the gateway is down: the reconciler stops asking and tries again on
    its next run). Any other failure (a payment the gateway does not know, one it reports in a state
    the order cannot take) is noted on the order once, and None returned.
    """
    try:
        return refresh_payment(Order.objects.get(number=number), via="reconciliation")
    except GatewayUnavailable:
        raise
    except Exception as error:  # noqa: BLE001 -- noted on the order for staff; the reconciler goes on
        _note_job_failure(number, "checking its payment", error)
        return None


def cancel_unpaid_orders(*, older_than=timedelta(hours=24)):
    """Cancel orders never paid after `older_than`, cancelling their payment at the gateway first.

    An order whose payment turns out to be paid is marked paid instead; one whose payment the
    gateway does not know is cancelled with a note saying so. Any other failure is noted on the
    order once and the others go on. Returns how many were cancelled.
    """
    cutoff = timezone.now() - older_than
    cancelled = 0
    numbers = list(Order.objects.filter(status__in=UNPAID, date_placed__lt=cutoff).values_list("number", flat=True))
    for number in numbers:
        try:
            cancelled += _cancel_unpaid(Order.objects.get(number=number))
        except GatewayUnavailable:
            continue  # try again on the next run
        except Exception as error:  # noqa: BLE001 -- one order's failure must not stop the others
            _note_job_failure(number, "cancelling it", error)
    return cancelled


def _cancel_unpaid(order):
    source = card_source(order)
    state = None
    if source is not None:
        try:
            state = gateway().cancel(source.reference)
        except PaymentUnknown:
            warn_once(order, unknown_payment_message(source.reference))
    if state is not None and state.succeeded:
        outcome = apply_payment_state(state, via="expiry check")  # it was paid after all
        if outcome.result == "mismatch":
            raise PaymentStateRefused(outcome.detail)
        return False
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if locked.status not in UNPAID:
            return False
        EventHandler().handle_order_status_change(
            locked, OrderStatus.CANCELLED, note_msg="Cancelled: not paid within 24 hours."
        )
        return True


class PaymentStateRefused(Exception):
    """The gateway reports a payment the order cannot take (amount or currency); noted on the order."""


def _note_job_failure(number, doing, error):
    if isinstance(error, PaymentUnknown):
        reference = getattr(card_source(Order.objects.get(number=number)), "reference", "")
        message = unknown_payment_message(reference) if reference else str(error)
    elif isinstance(error, PaymentStateRefused):
        return  # apply_payment_state noted it
    else:
        message = f"A payment job failed {doing}: {type(error).__name__}: {error}"
    order = Order.objects.filter(number=number).first()
    if order is not None and warn_once(order, message):
        logger.exception("Order %s: %s", number, message, exc_info=error)
