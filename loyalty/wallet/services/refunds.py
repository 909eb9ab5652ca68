"""Money paid with a gift card or store credit goes back where it came from."""

from django.db import transaction
from django.db.models import F
from oscar.core.loading import get_model

from ..ledger import locked_store_credit, locked_value, post
from ..models import WalletEntry, WalletHold


def return_for_order(*, order_number, why, reference):
    """The order was cancelled or refunded in full: what its gift cards and store credit paid goes
    back to each of them, once per hold (`returned` counts it; the ledger key is the hold's and the
    refund's). A gift card that has expired since gets nothing it could not spend: its share goes
    to the buyer's store credit instead. Locks each card. Returns the entries made."""
    made = []
    spent = WalletHold.objects.filter(
        order_number=order_number, status=WalletHold.Status.SPENT, returned__lt=F("amount")
    )
    for hold_id in list(spent.values_list("pk", flat=True)):
        with transaction.atomic():
            value = locked_value(WalletHold.objects.values_list("value_id", flat=True).get(pk=hold_id))
            hold = WalletHold.objects.select_for_update().select_related("value").get(pk=hold_id)
            due = hold.amount - hold.returned
            if due <= 0:
                continue
            target = value
            if value.is_expired():
                user_id = _buyer(order_number)
                target = locked_store_credit(user_id) if user_id else value
            if target is not value:
                why = f"{why} (the gift card it came from has expired)"
            entry = post(
                target, kind=WalletEntry.Kind.REFUND, amount=due, reason=why, key=f"refund:{hold.pk}:{reference}",
                reference=order_number,
            )  # fmt: skip
            made.append(entry)
            hold.returned = hold.amount
            hold.save(update_fields=["returned"])
    return made


def _buyer(order_number):
    return get_model("order", "Order").objects.filter(number=order_number).values_list("user_id", flat=True).first()
