"""What a gift card line in the basket carries: amount, recipient, message, delivery date.

The shopper's choices travel as JSON in the line's `gift_card` product option (Oscar keeps line
options from basket to order). The partner strategy prices the line from it, so the amount is
read and checked on the server every time the basket is loaded: a line whose JSON was edited to
another amount is priced at that amount only if it is within the limits, else refused.
"""

import json
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone

GIFT_CARD_OPTION = "gift_card"
GIFT_CARD_UPC = "gift-card"
# How far ahead a card may be sent.
LATEST_DELIVERY = timedelta(days=365)
UNREADABLE = "This gift card can no longer be read. Please remove it and choose it again."


class UnreadableGiftCard(ValueError):
    """The line's gift card text is not one we wrote, or no longer within the limits; says why."""


@dataclass(frozen=True)
class GiftCardChoice:
    amount: Decimal
    recipient_name: str
    recipient_email: str
    message: str
    deliver_on: date
    sender_name: str = ""
    # The form's one-time key: the same card added twice (a double click) is one line.
    ref: str = ""

    def as_text(self):
        data = asdict(self)
        data["amount"], data["deliver_on"] = str(self.amount), self.deliver_on.isoformat()
        return json.dumps(data, sort_keys=True)


def limits():
    return Decimal(settings.WALLET_GIFT_CARD_MIN), Decimal(settings.WALLET_GIFT_CARD_MAX)


def check_choice(choice, *, today=None):
    """The choice as given, or UnreadableGiftCard saying what is wrong with it."""
    today = today or timezone.localdate()
    least, most = limits()
    if not (least <= choice.amount <= most) or choice.amount != choice.amount.quantize(Decimal("1")):
        raise UnreadableGiftCard(f"A gift card is a whole number of pounds from £{least:.0f} to £{most:.0f}.")
    if not choice.recipient_name.strip() or len(choice.recipient_name) > 100 or len(choice.sender_name) > 100:
        raise UnreadableGiftCard("A gift card needs its recipient's name (up to 100 characters).")
    try:
        validate_email(choice.recipient_email)
    except ValidationError as error:
        raise UnreadableGiftCard("A gift card needs its recipient's e-mail address.") from error
    if len(choice.message) > 500:
        raise UnreadableGiftCard("A gift card's message is at most 500 characters.")
    if choice.deliver_on > today + LATEST_DELIVERY:
        raise UnreadableGiftCard("A gift card can be sent up to a year ahead.")
    return choice


def read_choice(text, *, today=None):
    """The GiftCardChoice a line carries. A delivery date already past is fine on a stored line
    (the card is then sent when the order is paid); the form refuses one for a new choice."""
    try:
        data = json.loads(text)
        choice = GiftCardChoice(
            amount=Decimal(str(data["amount"])),
            recipient_name=str(data["recipient_name"]),
            recipient_email=str(data["recipient_email"]),
            message=str(data.get("message", "")),
            deliver_on=date.fromisoformat(str(data["deliver_on"])),
            sender_name=str(data.get("sender_name", "")),
            ref=str(data.get("ref", ""))[:32],
        )
    except (ValueError, TypeError, KeyError, InvalidOperation) as error:
        raise UnreadableGiftCard(UNREADABLE) from error
    if not choice.amount.is_finite():
        raise UnreadableGiftCard(UNREADABLE)
    return check_choice(choice, today=today)


def gift_card_text(attributes):
    """The gift card text among a basket or order line's attributes, or None."""
    for attribute in attributes:
        option = attribute.get("option") if isinstance(attribute, dict) else attribute.option
        value = attribute.get("value") if isinstance(attribute, dict) else attribute.value
        if option is not None and option.code == GIFT_CARD_OPTION:
            return value
    return None


def line_gift_card_text(line):
    if not line.pk:
        return None
    return gift_card_text(line.attributes.all())
