"""What a customer is told of a tier change or a coming downgrade, in the words editors wrote
(`TierNotice`, with the default copy below until they publish their own).

The nightly recompute tells a million customers with one INSERT … SELECT, and the per-customer
path tells its few from the same expressions, so the two cannot word them differently. Each text
is read once per run and becomes an SQL expression: its words are parameters, its placeholders
the tier change's columns, so no customer's message is made in Python.

The messages are written in the transaction that records the change (TierChange): a customer
is told exactly when the change is committed. Writing them afterwards in chunks was measured
and dropped: marking 400,000 rows told in a second pass cost more than the whole inbox insert.
"""

import re

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.html import escape
from oscar.core.loading import get_model

from .models import TierChange, TierNotice

Kind = TierChange.Kind

# (subject, body) per kind, used until editors publish their own.
DEFAULT_COPY = {
    Kind.UP: (
        "Welcome to {to_tier}",
        "Your spend over the last 12 months moved you up to {to_tier}. Enjoy its benefits.",
    ),
    Kind.DOWN: ("Your tier is now {to_tier}", "After the grace period your tier moved from {from_tier} to {to_tier}."),
    Kind.GRACE: (
        "Keep your {from_tier} tier",
        "Your spend over the last 12 months is below {from_tier}. Order by {due_on} to keep it; after that your "
        "tier will follow your spend.",
    ),
}
PLACEHOLDERS = {
    Kind.UP: ("from_tier", "to_tier"),
    Kind.DOWN: ("from_tier", "to_tier"),
    Kind.GRACE: ("from_tier", "to_tier", "due_on"),
}
TOKEN = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
LINE_BREAK = re.compile(r"\r\n?|\n")


def unknown_placeholders(kind, text):
    """(names in `text` a notice of `kind` cannot fill, in order of first use; the names it can)."""
    allowed = PLACEHOLDERS.get(kind, PLACEHOLDERS[Kind.GRACE])
    unknown = []
    for name in TOKEN.findall(text):
        if name not in allowed and name not in unknown:
            unknown.append(name)
    return unknown, allowed


def copy(language=None):
    """{kind: (subject, body)}: the live notice for the language (or any live one), else the default."""
    language = language or settings.LANGUAGE_CODE
    published = {}
    for notice in TierNotice.objects.filter(live=True).order_by("pk"):
        if notice.language == language or notice.kind not in published:
            published[notice.kind] = (notice.subject, notice.body)
    return {kind: published.get(kind, DEFAULT_COPY[kind]) for kind in Kind}


def message_sql(*, kind, from_tier, to_tier, due_on, texts=None):
    """The subject and body of a notice as SQL expressions over the given column expressions, and
    their parameters (the subject's, then the body's).

    The inbox shows both as HTML, so the editors' words are escaped here and the tiers' names in
    SQL; a line break is kept. The subject is cut to the inbox's column.
    """
    texts = texts or copy()
    columns = {
        "from_tier": _escaped(f"COALESCE({from_tier}, '')"),
        "to_tier": _escaped(f"COALESCE({to_tier}, '')"),
        "due_on": f"COALESCE(CAST({due_on} AS varchar), '')",
    }
    expressions, params = [], []
    for part in (0, 1):  # subject, body
        cases = []
        for each in (Kind.UP, Kind.DOWN, Kind.GRACE):
            sql, each_params = _as_sql(texts[each][part], columns, line_breaks=part == 1)
            cases.append(f"ELSE {sql}" if each == Kind.GRACE else f"WHEN '{each.value}' THEN {sql}")
            params += each_params
        expressions.append(f"CASE {kind} {' '.join(cases)} END")
    # Escaping lengthens a subject (an apostrophe becomes six characters): cut to the inbox's
    # column, which PostgreSQL would otherwise refuse, failing the whole night for one long subject.
    subject = f"SUBSTR({expressions[0]}, 1, {_subject_length()})"
    return subject, expressions[1], params


def _as_sql(text, columns, *, line_breaks):
    """`text` as a concatenation: its words as parameters, each placeholder as its column."""
    pieces, params, words = [], [], []
    for index, piece in enumerate(TOKEN.split(text)):
        if index % 2 and piece in columns:
            if words:
                pieces.append("%s")
                params.append(_html("".join(words), line_breaks))
                words = []
            pieces.append(columns[piece])
        else:
            words.append(f"{{{piece}}}" if index % 2 else piece)
    if words or not pieces:
        pieces.append("%s")
        params.append(_html("".join(words), line_breaks))
    return " || ".join(pieces), params


def _html(words, line_breaks):
    words = escape(words)
    # A browser sends a textarea's line breaks as CRLF.
    return LINE_BREAK.sub("<br>", words) if line_breaks else words


# What django.utils.html.escape replaces, ampersand first, as SQL string literals.
_ENTITIES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"), ("''", "&#x27;"))


def _escaped(column):
    """A tier's name escaped in SQL as the words are in Python: staff name tiers, and the inbox
    shows the message as HTML."""
    for char, entity in _ENTITIES:
        column = f"REPLACE({column}, '{char}', '{entity}')"
    return column


def _subject_length():
    return get_model("communication", "Notification")._meta.get_field("subject").max_length


def inbox_table():
    return get_model("communication", "Notification")._meta.db_table


def tell(changes):
    """Inbox messages for a few recorded TierChange rows (the per-customer path)."""
    ids = [change.pk for change in changes]
    if not ids:
        return
    subject, body, params = message_sql(kind="c.kind", from_tier="c.from_tier", to_tier="c.to_tier", due_on="c.due_on")
    placeholders = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {inbox_table()} (recipient_id, subject, body, location, date_sent)
            SELECT c.user_id, {subject}, {body}, 'Inbox', %s
            FROM {TierChange._meta.db_table} c WHERE c.id IN ({placeholders}) ORDER BY c.id""",
            [*params, connection.ops.adapt_datetimefield_value(timezone.now()), *ids],
        )
