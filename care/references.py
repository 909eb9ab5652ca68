"""Ticket references customers can read out on the phone and nobody can guess: "T-7K3P9Q"."""

import re
import secrets

# No 0/O, 1/I/L, 5/S or 2/Z: a reference is read aloud and typed from paper.
ALPHABET = "346789ABCDEFGHJKMNPQRTUVWXY"
LENGTH = 6  # 27**6 ≈ 387 million: not a counter, and owners are checked anyway
PATTERN = re.compile(rf"^T-[{ALPHABET}]{{{LENGTH}}}$")


def new_reference():
    return "T-" + "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalised(text):
    """The reference as typed ("t-7k3p9q ") in its stored form, or None if it cannot be one."""
    candidate = (text or "").strip().upper()
    return candidate if PATTERN.match(candidate) else None
