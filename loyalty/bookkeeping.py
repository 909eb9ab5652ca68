"""What every balance kept in the loyalty layer shares: the points ledger (`loyalty.ledger`) and
the wallet's gift cards and store credit (`loyalty.wallet`).

A balance lives on one row that is locked for as long as a transaction reads, checks and moves
it, so two spenders are served one after the other; each movement is a row added to a ledger
that is never edited, keyed by the event that caused it; the balance row's check constraints
are the last line of defence (a bug raises, never overspends).
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction


class AppendOnly(models.Model):
    """A ledger row: added, never edited. Corrections are new rows."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError("Ledger entries are append-only.")
        super().save(*args, **kwargs)


def lock_or_create(model, **lookup):
    """The row of `model` matching `lookup`, created (with `lookup` as its fields) if missing,
    locked until the transaction ends. `lookup` must name a unique row."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Lock balances inside a transaction.")
    row = model.objects.select_for_update().filter(**lookup).first()
    if row is None:
        try:
            with transaction.atomic():
                model.objects.create(**lookup)
        except IntegrityError:
            pass  # created by a concurrent transaction a moment ago
        row = model.objects.select_for_update().get(**lookup)
    return row
