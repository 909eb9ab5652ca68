"""Points for money an order takes after it was paid: the difference charged for a changed design.

The order's own points were earned at payment (`earning.earn_for_order`); the extra payment earns
at the same rules, pending with them, so a later refund takes back its share of the whole.
"""

import math

from django.db import transaction
from django.utils import timezone
from oscar.core.loading import get_model

from ..earning import EarnRules, product_scope
from ..ledger import PENDING, already_posted, credit_available, locked_account, post
from ..models import LedgerEntry, PendingEarn

Kind, Source = LedgerEntry.Kind, LedgerEntry.Source


def earn_for_extra_payment(*, order_id, line_id, amount, reference):
    """Pending points for `amount` paid on the order's line `line_id` after the order was paid.

    Idempotent per `reference` (the payment's). The order's PendingEarn grows by the points and
    the amount, so the share a refund takes back stays right. Nothing for a guest, or for an
    order whose points were never earned (its `earn_for_order`, when it runs, counts the order's
    new total). Returns the points earned now (0 when none or already earned)."""
    order = get_model("order", "Order").objects.get(pk=order_id)
    if order.user_id is None or amount <= 0:
        return 0
    line = order.lines.select_related("product", "product__parent").get(pk=line_id)
    key = f"earn:order:{order.number}:extra:{reference}"
    with transaction.atomic():
        account = locked_account(order.user_id)
        pending = PendingEarn.objects.select_for_update().filter(order_number=order.number).first()
        if pending is None or already_posted(key):
            return 0
        rules = EarnRules.load(day=timezone.localdate(), tier=account.tier, value_class=account.value_class)
        product_class_id, category_ids = product_scope(line.product) if line.product is not None else (None, set())
        # The rate the line earns at; a campaign's one-off bonus was given with the order already.
        points = max(0, math.floor(amount * rules.line_factor(product_class_id, category_ids)))
        reason = f"Order {order.number}: design changed"
        pending.paid_total += amount
        pending.points += points
        if points and pending.vested:  # the order's points are available already: so are these
            credit_available(
                account, kind=Kind.EARN, source=Source.ORDER, points=points, reason=reason, key=key,
                reference=order.number,
            )  # fmt: skip
        elif points:
            post(
                account, kind=Kind.EARN, source=Source.ORDER, bucket=PENDING, points=points, reason=reason,
                key=key, reference=order.number,
            )  # fmt: skip
            pending.remaining += points
        pending.save(update_fields=["paid_total", "points", "remaining"])
        return points
