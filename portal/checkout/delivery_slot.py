"""The two-person delivery slot a shopper picks at checkout, for a basket with a large product.

Kept apart from the checkout views, which only call these: the field sits inside the "Place
order" form (template `checkout/delivery_slot.html`), is checked against the slots offered for
this basket when the order is placed, and a place is booked for the order number before any
payment exists (production's conditional update: a slot filled meanwhile is refused).
"""

from django.contrib import messages
from django.shortcuts import redirect

from production.delivery_forms import DeliverySlotChoiceForm
from production.selectors.delivery import needs_delivery_slot, slots_for_lines
from production.services.delivery_slots import SlotRefused, book_slot

NONE_LEFT = (
    "Every two-person delivery slot is taken for now, so an order with a large item cannot be placed. "
    "Please ask us and we will find a day, or try again tomorrow."
)


def slot_form(basket, data=None):
    """The slot field for this basket, bound to `data` when given; None when it needs no slot."""
    lines = basket.all_lines()
    if not needs_delivery_slot(lines):
        return None
    return DeliverySlotChoiceForm(data, slots=slots_for_lines(lines))


def chosen_slot(request):
    """On "Place order": (None, the slot id chosen, or None when the basket needs no slot), or
    (a redirect back to the review page with the reason, None) when the slot posted is not one
    offered for this basket (tampered with, or full since the page was shown) or none is left.
    Nothing posted takes the earliest offered, as the page preselects it."""
    form = slot_form(request.basket, request.POST)
    if form is None:
        return None, None
    if not form.is_valid():
        for error in form.errors["delivery_slot"]:
            messages.error(request, error)
        return redirect("checkout:preview"), None
    if form.chosen() is None:
        messages.error(request, NONE_LEFT)
        return redirect("checkout:preview"), None
    return None, form.chosen()


def book(slot_id, order_number):
    """Book the chosen slot for the order about to be placed (nothing when `slot_id` is None);
    raises SlotRefused, its message for the shopper, when the slot filled up meanwhile."""
    if slot_id is not None:
        book_slot(slot_id=slot_id, order_number=order_number)


__all__ = ["SlotRefused", "book", "chosen_slot", "slot_form"]
