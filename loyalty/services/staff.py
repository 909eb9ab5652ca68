"""What staff change by hand in the dashboard: a customer's points (signed, with a reason and an
audit row) and the programme's campaigns."""

import uuid

from django.db import transaction

from ..ledger import PointsRefused, already_posted, credit_available, debit_available, locked_account, whole_points
from ..models import Adjustment, Campaign, LedgerEntry

Kind, Source = LedgerEntry.Kind, LedgerEntry.Source


def adjust_points(*, user_id, points, reason, staff, token=None):
    """A staff correction, signed, with a reason (required) and an audit row. Never below zero.

    `token` (the form's one-time value) makes a double-submitted form adjust once.
    """
    reason = (reason or "").strip()
    if not reason:
        raise PointsRefused("A reason is required for an adjustment.")
    points = whole_points(points, allow_negative=True)
    key = f"adjust:{token or uuid.uuid4().hex}"
    with transaction.atomic():
        account = locked_account(user_id)
        if already_posted(key):
            return LedgerEntry.objects.get(idempotency_key=key)
        text = f"Adjustment: {reason}"
        if points > 0:
            entry = credit_available(
                account, kind=Kind.ADJUST, source=Source.MANUAL, points=points, reason=text, key=key, created_by=staff
            )
        else:
            entry, _ = debit_available(
                account, kind=Kind.ADJUST, source=Source.MANUAL, points=-points, reason=text, key=key, created_by=staff
            )
        Adjustment.objects.create(entry=entry, staff=staff, reason=reason)
        return entry


def save_campaign(*, campaign):
    """Validate (dates, conflicting overlaps) and save, under a lock so two staff saving
    overlapping campaigns at once cannot both pass the check."""
    with transaction.atomic():
        list(Campaign.objects.select_for_update().filter(active=True).values_list("pk", flat=True))
        campaign.full_clean()
        campaign.save()
        return campaign
