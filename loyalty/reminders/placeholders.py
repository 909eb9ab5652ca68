"""The placeholders a reminder message may use, and a substitution that cannot be abused.

`str.format` would let a template reach attributes ("{user.password}"); this fills only
`{name}` tokens from a flat dict of strings and leaves every other brace alone.
"""

import re

KNOWN = (
    "first_name",
    "product",
    "points",
    "tier",
    "amount",
    "expires_on",
    "order_number",
    "design_link",
    "link",
    "shop_name",
)
KNOWN_TEXT = ", ".join("{" + name + "}" for name in KNOWN)

TOKEN = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def unknown_in(text):
    """Names used in `text` that are not placeholders, in order of first use."""
    seen = []
    for name in TOKEN.findall(text):
        if name not in KNOWN and name not in seen:
            seen.append(name)
    return seen


def fill(text, values, *, escape=None):
    """Replace each known {name} with its value (escaped by `escape` when given)."""

    def replace(match):
        name = match.group(1)
        if name not in KNOWN:
            return match.group(0)
        value = str(values.get(name, ""))
        return escape(value) if escape else value

    return TOKEN.sub(replace, text)
