"""A configuration in words: what a shopper chose, as they would say it."""

import json
from decimal import Decimal, InvalidOperation

from .engine.parse import unit_after


def describe(options, values):
    """(option name, chosen value as text) for each option with a value, quantity left out."""
    pairs = []
    for option in options:
        value = values.get(option["code"])
        if value in (None, "", []) or option["kind"] == "quantity":
            continue
        names = {choice["code"]: choice["name"] for choice in option.get("choices", [])}
        if isinstance(value, list):
            text = ", ".join(names.get(item, item) for item in value)
        elif isinstance(value, bool):
            text = "Yes" if value else "No"
        else:
            unit = unit_after(_number(value), option.get("unit") or "", option.get("unit_singular") or "")
            text = f"{names.get(value, value)} {unit}".strip()
        pairs.append((option["name"], text))
    return pairs


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
