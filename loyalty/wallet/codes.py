"""Gift card codes: long, random, easy to read aloud and type, never stored.

20 characters from an alphabet without the look-alikes (0/O, 1/I/L, 5/S, 2/Z are kept apart by
dropping O, I, L, S, Z, 0 and 1): 29^20, about 97 bits, so guessing is hopeless even before the
rate limit, and the SHA-256 digest the database keeps cannot be turned back into a code.
"""

import hashlib
import re
import secrets

ALPHABET = "ABCDEFGHJKMNPQRTUVWXY23456789"
LENGTH = 20
GROUP = 4


def new_code():
    """A fresh code, grouped for reading: ABCD-EFGH-JKMN-PQRT-UVWX."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return "-".join(raw[i : i + GROUP] for i in range(0, LENGTH, GROUP))


def normalise(text):
    """What a shopper typed, as a code: upper case, spaces and dashes dropped (or '' if it cannot be one)."""
    cleaned = re.sub(r"[\s\-]", "", str(text or "")).upper()
    if len(cleaned) != LENGTH or any(char not in ALPHABET for char in cleaned):
        return ""
    return cleaned


def digest(code):
    """The stored form of a code (normalised first, so a typed code finds its card)."""
    return hashlib.sha256(normalise(code).encode()).hexdigest()


def hint(code):
    return normalise(code)[-GROUP:]
