"""Notes on an order that staff must see."""

from oscar.core.loading import get_model

OrderNote = get_model("order", "OrderNote")


def warn_once(order, message):
    """A warning note staff see on the order, written once however often its cause is met again
    (a beat job meeting the same bad order every five minutes). Whether it was written."""
    _note, created = OrderNote.objects.get_or_create(order=order, note_type=OrderNote.WARNING, message=message[:2000])
    return created
