"""A configuration in words: what a shopper chose, as they would say it."""

import json
from decimal import Decimal, InvalidOperation

from .engine.parse import unit_after


def describe(options, values):
    """(option name, chosen value as text) for each option with a value, quantity left out."""
    return [(name, text) for _code, name, text in describe_options(options, values)]


def describe_options(options, values, *, with_quantity=False):
    """(option code, option name, chosen value as text) for each option with a value.

    The words a shopper and a worker read: a choice's name, "Yes"/"No", a number with its unit,
    free text as written. The code goes along so a reader can tie the words to what names the
    option (a routing step's rules); the quantity only when asked, it is the line's own.
    """
    described = []
    for option in options:
        value = values.get(option["code"])
        if value in (None, "", []) or (option["kind"] == "quantity" and not with_quantity):
            continue
        described.append((option["code"], option["name"], _value_text(option, value)))
    return described


def _value_text(option, value):
    names = {choice["code"]: choice["name"] for choice in option.get("choices", [])}
    if isinstance(value, list):
        return ", ".join(names.get(item, item) for item in value)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    unit = unit_after(_number(value), option.get("unit") or "", option.get("unit_singular") or "")
    return f"{names.get(value, value)} {unit}".strip()


def _number(value):
    """A stored number as a number (decimals are stored as strings), to say "1 seat" of it."""
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return value


def summary_text(pairs):
    return "; ".join(f"{name}: {text}" for name, text in pairs)


def line_summary(value):
    """The configuration in words, as stored on the line: "Colour: Sage; Door opens on the: Left"."""
    try:
        return summary_text(json.loads(value).get("summary") or [])
    except (AttributeError, TypeError, ValueError):  # text edited by hand: the line reads as its product
        return ""
