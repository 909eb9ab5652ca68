"""The e-mail that tells the customer what became of a design change, once per change: the new
design confirmed (with the difference charged or refunded and the promised date), or, for a
difference paid when production had already started, the change not made and the money refunded.
Rendered through Oscar's communication event type ORDER_DESIGN_CHANGED."""

from .mail import send_once
from .models import DesignChange

CODE = "ORDER_DESIGN_CHANGED"


def send_change_mail(*, change_id):
    """Tell the customer about the change; once. True if sent now."""
    return send_once(
        DesignChange,
        change_id,
        CODE,
        "Order design changed",
        lambda change: {"change": change, "refund": -change.difference},
    )
