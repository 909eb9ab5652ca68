"""Reads for the order page: whether the order can be cancelled (and why not, in the customer's
words), what cancelling would give back, and how a cancellation's refund stands."""

from dataclasses import dataclass
from datetime import datetime

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from oscar.core.loading import get_model

from atelier.orders import UNPAID, OrderStatus
from loyalty.selectors.orders import points_of_order
from production.selectors.started import first_started_step

from ..payments.selectors import card_source, refundable
from .models import Cancellation

Transaction = get_model("payment", "Transaction")


class CancellationRefused(Exception):
    """The order cannot be cancelled here; the message says why in the customer's words.
    `production_started` is set when the reason is that the workshop began (contact us)."""

    def __init__(self, message, *, production_started=False):
        super().__init__(message)
        self.production_started = production_started


@dataclass(frozen=True)
class Outlook:
    """What cancelling the order now would do: the confirmation page's figures."""

    refund: object  # Decimal, what is left to refund of the card payment
    currency: str
    points_returned: int
    points_taken_back: int


def _day(moment):
    return formats.date_format(moment, "j F") if isinstance(moment, datetime) else ""


def started_words(step):
    when = _day(step.started_at)
    if when:
        return _("Production started on %(date)s at the %(step)s step: contact us to see what can still be done.") % {
            "date": when,
            "step": step.name.lower(),
        }
    return _("Production started at the %(step)s step: contact us to see what can still be done.") % {
        "step": step.name.lower()
    }


def before_production(order):
    """Why `order` is past changing or cancelling from the hub: None if it is paid and its
    production has not started, else (reason, started step or None), the reason one of
    "cancelled", "refunded", "unpaid", "left" (shipped or delivered), "started" or "other"."""
    status = order.status
    if status == OrderStatus.CANCELLED:
        return "cancelled", None
    if status == OrderStatus.REFUNDED:
        return "refunded", None
    if status in UNPAID:
        return "unpaid", None
    if status in (OrderStatus.SHIPPED, OrderStatus.DELIVERED):
        return "left", None
    step = first_started_step(order_id=order.pk)
    if step is not None:
        return "started", step
    if status != OrderStatus.PAID:
        return "other", None
    return None


def refused_for(order, refused, words):
    """`refused` (an exception class taking `production_started`) with the customer's `words` for
    why `order` is past it ({reason: message} for before_production's reasons but "started");
    None if it is not."""
    found = before_production(order)
    if found is None:
        return None
    reason, step = found
    if reason == "started":
        return refused(started_words(step), production_started=True)
    return refused(str(words[reason]), production_started=reason == "other")


CANCEL_WORDS = {
    "cancelled": gettext_lazy("This order is cancelled."),
    "refunded": gettext_lazy("This order has been refunded."),
    "unpaid": gettext_lazy("This order is not paid: nothing will be made or charged for it."),
    "left": gettext_lazy("This order has left the workshop: it can no longer be cancelled."),
    "other": gettext_lazy("This order can no longer be cancelled: contact us."),
}


def refusal(order):
    """Why `order` cannot be cancelled from the hub now, in the customer's words; None if it can.

    A quick answer for the order page; `cancel_order` decides again under its locks."""
    return refused_for(order, CancellationRefused, CANCEL_WORDS)


def outlook(order):
    points = points_of_order(order_number=order.number)
    return Outlook(refundable(order), order.currency, points.redeemed, points.earned)


# Where a cancel button or its refusal means something: a paid order on its way.
ON_ITS_WAY = (OrderStatus.PAID, OrderStatus.IN_PRODUCTION)


@dataclass(frozen=True)
class CancellationPanel:
    cancellable: bool = False
    refusal: str = ""  # why not, when the customer would look for the button
    production_started: bool = False
    cancellation: Cancellation | None = None
    refunded: object = None  # Decimal refunded so far on the card payment
    refunded_at: object = None
    refund_pending: bool = False


def cancellation_panel(order):
    """What the order page says about cancelling: the button, why there is none, or the refund's state."""
    cancellation = Cancellation.objects.filter(order=order).first()
    if cancellation is not None:
        source = card_source(order)
        refunded = source.amount_refunded if source else None
        latest = None
        if source is not None:
            latest = (
                source.transactions.filter(txn_type=Transaction.REFUND)
                .order_by("-date_created")
                .values_list("date_created", flat=True)
                .first()
            )
        pending = bool(source and source.amount_debited > source.amount_refunded)
        return CancellationPanel(
            cancellation=cancellation, refunded=refunded, refunded_at=latest, refund_pending=pending
        )
    if order.status not in ON_ITS_WAY:
        return CancellationPanel()
    refused = refusal(order)
    if refused is None:
        return CancellationPanel(cancellable=True)
    return CancellationPanel(refusal=str(refused), production_started=refused.production_started)
