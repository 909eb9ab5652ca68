"""What staff see on an order when the loyalty programme could not do its part: a warning note, once."""

import logging

from oscar.core.loading import get_model

logger = logging.getLogger(__name__)


def warn_on_order(order_number, message):
    """A warning note staff see on the order, written once however often it is met again. Whether it was."""
    OrderNote = get_model("order", "OrderNote")
    order = get_model("order", "Order").objects.filter(number=order_number).first()
    if order is None:
        return False
    _note, created = OrderNote.objects.get_or_create(order=order, note_type=OrderNote.WARNING, message=message[:2000])
    return created


def note_job_failure(order_number, doing, error):
    """A job failed on one order: logged every time, noted on the order once."""
    logger.error("Loyalty job failed %s for order %s: %r", doing, order_number, error, exc_info=error)
    warn_on_order(order_number, f"The loyalty programme failed {doing}: {type(error).__name__}: {error}")
