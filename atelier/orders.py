"""The order's vocabulary: its statuses and the way between them, which of them count as a
purchase, and how to find and read the configuration a basket or order line carries.

Settings build Oscar's status pipeline from `PIPELINE` before any app is loaded, so nothing
here imports a model: a line is read through what Oscar's basket and order lines both have
(`line.attributes`, each with an `option` and a `value`).
"""

import json
from enum import StrEnum
from typing import NamedTuple


class OrderStatus(StrEnum):
    """An Oscar order's (and its lines') status, as stored in `Order.status`."""

    PENDING_PAYMENT = "Pending payment"
    PAYMENT_FAILED = "Payment failed"
    PAID = "Paid"
    IN_PRODUCTION = "In production"
    SHIPPED = "Shipped"
    DELIVERED = "Delivered"
    CANCELLED = "Cancelled"
    REFUNDED = "Refunded"


# An order is placed before it is paid (docs/payments.md).
INITIAL_STATUS = OrderStatus.PENDING_PAYMENT

# Each status and the ones an order may move to from it; Oscar refuses any other change.
PIPELINE = {
    OrderStatus.PENDING_PAYMENT: (OrderStatus.PAID, OrderStatus.PAYMENT_FAILED, OrderStatus.CANCELLED),
    OrderStatus.PAYMENT_FAILED: (OrderStatus.PAID, OrderStatus.CANCELLED),
    OrderStatus.PAID: (OrderStatus.IN_PRODUCTION, OrderStatus.CANCELLED, OrderStatus.REFUNDED),
    OrderStatus.IN_PRODUCTION: (OrderStatus.SHIPPED, OrderStatus.REFUNDED),
    OrderStatus.SHIPPED: (OrderStatus.DELIVERED, OrderStatus.REFUNDED),
    OrderStatus.DELIVERED: (OrderStatus.REFUNDED,),
    OrderStatus.CANCELLED: (),
    OrderStatus.REFUNDED: (),
}

# Placed, and no payment taken yet: the shopper may still pay, or the order lapses.
UNPAID = (OrderStatus.PENDING_PAYMENT, OrderStatus.PAYMENT_FAILED)
# A purchase: paid and onwards. A cancelled or refunded order is not one (its money went back),
# for spend, tiers and segments, points, and the reminders that ask when someone last bought.
PURCHASED = (OrderStatus.PAID, OrderStatus.IN_PRODUCTION, OrderStatus.SHIPPED, OrderStatus.DELIVERED)
# Ended without being kept: cancelled, or its money went back. Nothing follows either.
CLOSED = (OrderStatus.CANCELLED, OrderStatus.REFUNDED)


# --- A line's configuration ------------------------------------------------------------------

# The code of Oscar's product option that carries a configuration on basket and order lines.
# The configurator writes its value (`configurator.services.line_attribute_value`).
CONFIGURATION_OPTION = "configuration"


class UnreadableConfiguration(ValueError):
    """A line's configuration text is not one the configurator wrote (edited or tampered with)."""


class LineConfiguration(NamedTuple):
    family_slug: str
    version: int
    values: dict


def configuration_in(attributes):
    """The configuration text among a line's attributes, as stored; None when there is none.

    `attributes`: Oscar line attributes, or the `{"option": ..., "value": ...}` dicts a basket
    is given when a product is added. An order line keeps its attributes when their option is
    deleted (Oscar sets it to null); such a line no longer says it is configured.
    """
    for attribute in attributes:
        if isinstance(attribute, dict):
            option, value = attribute.get("option"), attribute.get("value")
        else:
            option, value = attribute.option, attribute.value
        if option is not None and option.code == CONFIGURATION_OPTION:
            return value
    return None


def line_configuration(line):
    """The configuration text a basket or order line carries, as stored; None if it has none.

    Reads `line.attributes.all()`, so a prefetch of `attributes__option` serves it."""
    return configuration_in(line.attributes.all())


def read_configuration(text):
    """(family slug, version, values) from a line's configuration text.

    Raises UnreadableConfiguration for text the configurator did not write: not JSON, or not
    the object it makes.
    """
    try:
        data = json.loads(text)
    except (TypeError, ValueError) as error:
        raise UnreadableConfiguration("not JSON") from error
    if not isinstance(data, dict):
        raise UnreadableConfiguration("not an object")
    family, version, values = data.get("family"), data.get("version"), data.get("values")
    if not isinstance(family, str) or not family:
        raise UnreadableConfiguration("no family")
    if isinstance(version, bool) or not isinstance(version, int):
        raise UnreadableConfiguration("no version")
    if not isinstance(values, dict):
        raise UnreadableConfiguration("no values")
    return LineConfiguration(family, version, values)


def read_line_configuration(line):
    """The configuration a line was configured with, read; None for a line without one.

    Raises UnreadableConfiguration when the line has a configuration that cannot be read;
    each caller decides what such a line means for it."""
    text = line_configuration(line)
    return None if text is None else read_configuration(text)
