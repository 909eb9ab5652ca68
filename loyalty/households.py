"""Whether two postal addresses are the same home, for refusing a referral between them.

Pure Python: the street lines and postcode are folded to lower-case letters and digits, common
street words shortened ("Street" and "St." are one), and compared with the country. A friend and
a referrer at the same address are one household, whatever the capitals, commas or abbreviations.
"""

import re

# Whole words only: "Stanley Road" keeps its "Stanley".
SHORT_FORMS = {
    "street": "st",
    "road": "rd",
    "avenue": "ave",
    "lane": "ln",
    "drive": "dr",
    "court": "ct",
    "place": "pl",
    "square": "sq",
    "terrace": "ter",
    "crescent": "cres",
    "gardens": "gdns",
    "apartment": "flat",
    "apt": "flat",
    "unit": "flat",
    "number": "",
    "no": "",
}


def _words(text):
    return [SHORT_FORMS.get(word, word) for word in re.findall(r"[a-z0-9]+", (text or "").lower())]


def household_key(*, lines, postcode, country):
    """A key equal for two spellings of the same address; "" when there is no street or postcode."""
    street = "".join(_words(" ".join(line for line in lines if line)))
    code = "".join(_words(postcode))
    if not street or not code:
        return ""
    return f"{(country or '').lower()}|{code}|{street}"
