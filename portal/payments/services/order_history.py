"""What payments write into an order's history: Oscar's payment events and its notes."""

from oscar.core.loading import get_class, get_model

PaymentEventType = get_model("order", "PaymentEventType")
# Oscar's writer of an order's payment events, status changes and notes.
EventHandler = get_class("order.processing", "EventHandler")


def note(order, message):
    EventHandler().create_note(order, message)


def note_once(order, message):
    """Note `message` unless it is already the order's latest system note; whether it was noted.

    The reconciler asks the gateway about every unpaid order every five minutes, and Stripe keeps
    reporting the same failed attempt until the shopper pays again: one note, not 288 a day.
    """
    latest = order.notes.filter(note_type="System").order_by("-pk").values_list("message", flat=True).first()
    if latest == message:
        return False
    note(order, message)
    return True


def unknown_payment_message(reference):
    return (
        f"The payment provider does not know this order's payment {reference}: nothing about it can be "
        "confirmed or cancelled there. Check the order in the provider's dashboard."
    )


def payment_event(order, name, amount, reference):
    """Oscar's payment event for the whole order: every line, in full."""
    lines = list(order.lines.all())
    return EventHandler().create_payment_event(
        order,
        PaymentEventType.objects.get_or_create(name=name)[0],
        amount,
        lines,
        [line.quantity for line in lines],
        reference=reference,
    )
