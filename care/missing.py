"""Care's effects whose task may have been lost, for the reconcilers (portal/reconcile.py): reads only.

Each finder returns the ids its row's task takes, oldest first, a few hundred at most. A grace of
a few minutes leaves the task that is only late to do it; the effect is claimed once either way
(TicketMessage.emailed_at, CaseSource.thanked_at), so the reconciler and a late task never both do it.
"""

from datetime import timedelta

from django.utils import timezone

from .claims.models import ClaimEvent
from .help.models import CaseSource
from .thread import Author, TicketMessage


def staff_replies_not_emailed(*, within=timedelta(days=7), grace=timedelta(minutes=5), limit=200):
    """Ids of staff replies (not internal notes) 5 minutes to 7 days old whose e-mail to the customer was never sent.

    Read from the partial index care_message_not_emailed, which holds only such replies.
    """
    now = timezone.now()
    replies = TicketMessage.objects.filter(
        author_kind=Author.STAFF,
        internal=False,
        emailed_at__isnull=True,
        created__lte=now - grace,
        created__gte=now - within,
    )
    return list(replies.order_by("pk").values_list("pk", flat=True)[:limit])


def case_articles_not_thanked(*, within=timedelta(days=30), grace=timedelta(minutes=5), limit=200):
    """Page ids of live case articles published 5 minutes to 30 days ago whose customer was never thanked."""
    now = timezone.now()
    sources = CaseSource.objects.filter(
        thanked_at__isnull=True,
        page__live=True,
        page__last_published_at__lte=now - grace,
        page__last_published_at__gte=now - within,
    )
    return list(sources.order_by("pk").values_list("page_id", flat=True)[:limit])


def claim_steps_not_emailed(*, within=timedelta(days=7), grace=timedelta(minutes=5), limit=200):
    """Ids of claim steps 5 minutes to 7 days old whose e-mail to the customer was never sent."""
    now = timezone.now()
    steps = ClaimEvent.objects.filter(emailed_at__isnull=True, at__lte=now - grace, at__gte=now - within)
    return list(steps.order_by("pk").values_list("pk", flat=True)[:limit])
