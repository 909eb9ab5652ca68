"""Clicks on a reminder's tracked links."""

from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone

from ..models import ReminderSend


def record_click(*, send_id):
    """Count a click on a tracked link; the first one's time is kept for the dashboard."""
    ReminderSend.objects.filter(pk=send_id).update(
        clicks=F("clicks") + 1, clicked_at=Coalesce(F("clicked_at"), timezone.now())
    )
