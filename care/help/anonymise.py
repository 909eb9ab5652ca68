"""Make a customer's words fit to publish: no name, e-mail, phone number, order number, ticket
reference or postcode left in them. Pure Python (no Django), so it is tested on its own.

What we know of the customer (their names, addresses, order numbers) is removed by value; what we
cannot know in advance (an e-mail or phone number they typed, an order or ticket number they
quoted) is masked by pattern. Markup is dropped first: the words are plain text, and a name inside
a tag must still be found.
"""

import html
import re

TAG = re.compile(r"</?[A-Za-z!][^<>]*>")  # a tag, not a bare "<" in "90 < 100"
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
TICKET = re.compile(r"\bT-[0-9A-Z]{6}\b", re.IGNORECASE)
# An order number as we print them ("DEMO-1002", "100023"): letters and a dash before four or
# more digits, or five or more digits alone.
ORDER = re.compile(r"\b(?:[A-Z]{2,}-\d{3,}|\d{5,})\b")
# Seven or more digits with the usual separators, after an optional "+" or "(": a phone number.
PHONE = re.compile(r"(?<![\w+(])[+(]?\d[\d ().-]{5,}\d(?!\w)")
POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}\b")
SPACES = re.compile(r"[ \t]+")

MASKS = {"email": "[e-mail]", "phone": "[phone]", "order": "[order]", "ticket": "[ticket]", "name": "[name]"}


def _known(values):
    """Known words to remove, longest first so a full name goes before its first name."""
    found = {value.strip() for value in values if value and len(value.strip()) >= 2}
    return sorted(found, key=len, reverse=True)


def _remove(text, values, mask):
    for value in _known(values):
        text = re.compile(rf"(?<!\w){re.escape(value)}(?!\w)", re.IGNORECASE).sub(mask, text)
    return text


def _phone(match):
    digits = sum(ch.isdigit() for ch in match.group())
    return MASKS["phone"] if digits >= 7 else match.group()


def anonymise(text, *, names=(), emails=(), order_numbers=(), addresses=()):
    """`text` with markup dropped and everything that could name the customer masked.

    `names`, `emails`, `order_numbers` and `addresses` (lines of an address) are what we know of
    the customer; the patterns catch what we do not. Line breaks are kept.
    """
    text = html.unescape(TAG.sub(" ", text or ""))
    text = _remove(text, emails, MASKS["email"])
    text = EMAIL.sub(MASKS["email"], text)
    text = _remove(text, order_numbers, MASKS["order"])
    text = TICKET.sub(MASKS["ticket"], text)
    text = PHONE.sub(_phone, text)  # before order numbers: a phone number's last group is all digits
    text = ORDER.sub(MASKS["order"], text)
    text = _remove(text, addresses, "[address]")
    text = POSTCODE.sub("[address]", text)
    text = _remove(text, names, MASKS["name"])
    lines = (SPACES.sub(" ", line).strip() for line in text.splitlines())
    return "\n".join(lines).strip()
