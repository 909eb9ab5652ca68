"""Which words of a help search a question contains, and that text with them marked.

Pure text work (no ORM): the search backend finds the pages, this picks the questions inside
them to show and marks the words. Everything is escaped before `<mark>` is added.
"""

import re

from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe

MAX_TERMS = 8
_SUFFIXES = ("ing", "es", "ed", "s")


def _stem(word):
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def terms(query):
    """The query's words, lower-cased and stemmed roughly, at most eight, in order, no repeats."""
    words = []
    for word in re.findall(r"\w+", query.lower()):
        stem = _stem(word)
        if len(stem) >= 2 and stem not in words:
            words.append(stem)
    return words[:MAX_TERMS]


def _pattern(words):
    return re.compile(r"\b(" + "|".join(re.escape(word) for word in words) + r")\w*", re.IGNORECASE)


def contains(text, words):
    return bool(words) and _pattern(words).search(text) is not None


def mark(text, words):
    """`text` escaped, with each word that starts with a search term inside `<mark>`."""
    if not words:
        return escape(text)
    parts, last = [], 0
    for match in _pattern(words).finditer(text):
        parts += [escape(text[last : match.start()]), "<mark>", escape(match.group(0)), "</mark>"]
        last = match.end()
    parts.append(escape(text[last:]))
    return mark_safe("".join(parts))


def excerpt(html, words, *, width=220):
    """A passage of an answer (HTML) around its first matching word, marked, about `width` long."""
    text = re.sub(r"\s+", " ", strip_tags(html)).strip()
    match = _pattern(words).search(text) if words else None
    start = 0 if match is None or match.start() < width // 3 else match.start() - width // 3
    if start:
        start = text.find(" ", start) + 1 or start
    passage = text[start : start + width]
    if start + width < len(text):
        passage = passage.rsplit(" ", 1)[0] + " …"
    return mark(("… " if start else "") + passage, words)
