"""Reads for changing a paid line's design: whether it can be changed now (and why not, in the
customer's words), the line being changed, and what the order page says about changes."""

from dataclasses import dataclass

from django.http import Http404
from django.utils.translation import gettext_lazy

from atelier.orders import OrderStatus
from production.selectors.release import configuration_of

from .models import DesignChange
from .selectors import refused_for


class ChangeRefused(Exception):
    """The design cannot be changed here; the message says why in the customer's words.
    `production_started` is set when the reason is that the workshop began (contact us)."""

    def __init__(self, message, *, production_started=False):
        super().__init__(message)
        self.production_started = production_started


CHANGE_WORDS = {
    "cancelled": gettext_lazy("This order is cancelled."),
    "refunded": gettext_lazy("This order has been refunded."),
    "unpaid": gettext_lazy("This order is not paid yet: pay for it first, or place a new one."),
    "left": gettext_lazy("This order has left the workshop: its design can no longer be changed."),
    "other": gettext_lazy("This order's design can no longer be changed: contact us."),
}


def change_refusal(order):
    """Why `order`'s designs cannot be changed from the hub now; None if they can.

    A quick answer for the pages; the change decides again under its locks."""
    return refused_for(order, ChangeRefused, CHANGE_WORDS)


def changeable_line(order, line_id):
    """The order's line `line_id` made to order (a configuration to change); 404 for any other."""
    line = order.lines.prefetch_related("attributes__option").filter(pk=line_id).first()
    if line is None or configuration_of(line) is None:
        raise Http404("No such line to change.")
    return line


def change_of(order, change_id):
    """The order's design change `change_id`; 404 for another order's."""
    change = DesignChange.objects.filter(order=order, pk=change_id).select_related("line").first()
    if change is None:
        raise Http404("No such design change.")
    return change


@dataclass(frozen=True)
class ChangePanel:
    changeable: bool
    lines: list  # the order's lines with a configuration, each one the customer may change
    changes: list  # the order's design changes, newest first
    awaiting: object = None  # a change whose difference is still to pay


def change_panel(order):
    """What the order page says about changing designs: a button per configured line while the
    order can change, and the changes made (or waiting for their payment)."""
    changes = list(DesignChange.objects.filter(order=order).select_related("line"))
    changeable = order.status == OrderStatus.PAID and change_refusal(order) is None
    lines = []
    if changeable:
        lines = [line for line in order.lines.prefetch_related("attributes__option") if configuration_of(line)]
    awaiting = next((change for change in changes if change.state == DesignChange.State.AWAITING_PAYMENT), None)
    return ChangePanel(changeable=changeable and bool(lines), lines=lines, changes=changes, awaiting=awaiting)
