"""What a customer is told of a tier change or a coming downgrade, as SQL: the nightly recompute
writes a million customers' messages with one INSERT … SELECT, and the per-customer path writes
its few from the same expressions, so the two cannot word them differently.

The messages are written in the transaction that records the change (TierChange): a customer
is told exactly when the change is committed. Writing them afterwards in chunks was measured
and dropped: marking 400,000 rows told in a second pass cost more than the whole inbox insert.
"""

from django.db import connection
from django.utils import timezone
from oscar.core.loading import get_model

from .models import TierChange


def message_sql(*, kind, from_tier, to_tier, due_on):
    """The subject and body of a notice as SQL expressions over the given column expressions."""
    subject = f"""CASE {kind}
        WHEN 'up' THEN 'Welcome to ' || {to_tier}
        WHEN 'down' THEN 'Your tier is now ' || {to_tier}
        ELSE 'Keep your ' || {from_tier} || ' tier' END"""
    body = f"""CASE {kind}
        WHEN 'up' THEN 'Your spend over the last 12 months moved you up to ' || {to_tier} || '. Enjoy its benefits.'
        WHEN 'down' THEN 'After the grace period your tier moved from ' || {from_tier} || ' to ' || {to_tier} || '.'
        ELSE 'Your spend over the last 12 months is below ' || {from_tier} || '. Order by '
            || CAST({due_on} AS varchar) || ' to keep it; after that your tier will follow your spend.' END"""
    return subject, body


def inbox_table():
    return get_model("communication", "Notification")._meta.db_table


def tell(changes):
    """Inbox messages for a few recorded TierChange rows (the per-customer path)."""
    ids = [change.pk for change in changes]
    if not ids:
        return
    subject, body = message_sql(kind="c.kind", from_tier="c.from_tier", to_tier="c.to_tier", due_on="c.due_on")
    placeholders = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {inbox_table()} (recipient_id, subject, body, location, date_sent)
            SELECT c.user_id, {subject}, {body}, 'Inbox', %s
            FROM {TierChange._meta.db_table} c WHERE c.id IN ({placeholders}) ORDER BY c.id""",
            [connection.ops.adapt_datetimefield_value(timezone.now()), *ids],
        )
