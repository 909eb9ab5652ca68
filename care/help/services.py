"""Writes of the help centre: votes, search records, and tying searches to the ticket that followed."""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import AnswerVote, SearchRecord

# A ticket opened within this time of a search counts as that search having failed.
SEARCH_TO_TICKET = timedelta(hours=24)


class UnknownQuestion(Exception):
    """The page has no such question in its published version."""


def cast_vote(*, page, question_key, visitor, helpful):
    """Record that `visitor` found the answer helpful or not. One vote per visitor and question.

    Idempotent: the same vote again (a double click) changes nothing; a different answer replaces
    the first. Two requests at once end as one row (the unique constraint, retried as an update).
    Raises UnknownQuestion when the live page has no such question.
    """
    if page.find_question(question_key) is None:
        raise UnknownQuestion(question_key)
    try:
        with transaction.atomic():
            vote, created = AnswerVote.objects.get_or_create(
                page=page, question_key=question_key, visitor=visitor, defaults={"helpful": helpful}
            )
    except IntegrityError:  # the other of two simultaneous first votes won
        vote, created = AnswerVote.objects.get(page=page, question_key=question_key, visitor=visitor), False
    if not created and vote.helpful != helpful:
        vote.helpful = helpful
        vote.save(update_fields=["helpful", "updated_at"])
    return vote


def record_search(*, query, results_count, visitor):
    """Keep a search for the report of help searches that ended in a ticket. Anonymous."""
    return SearchRecord.objects.create(query=query[:200], results_count=results_count, visitor=visitor)


def record_ticket_opened(*, visitor, at=None):
    """Mark this visitor's searches of the last 24 hours as ended in a ticket; returns how many.

    For the tickets app to call when a ticket is opened (with `visitors.visitor_hash(request,
    create=False)`). Idempotent: searches already marked keep their first ticket's time.
    """
    if not visitor:
        return 0
    at = at or timezone.now()
    return SearchRecord.objects.filter(
        visitor=visitor, created_at__gte=at - SEARCH_TO_TICKET, created_at__lte=at, ended_in_ticket_at__isnull=True
    ).update(ended_in_ticket_at=at)


# Rows deleted per statement: short transactions, so the pruning never holds the table for long.
PRUNE_BATCH = 5000


def prune_search_records(*, older_than_days, now=None, batch=None):
    """Delete help search records more than `older_than_days` days old (what the search page promises).

    In chunks of PRUNE_BATCH by id, each its own statement, oldest first: a run stopped half way
    leaves the rest for the next night. Idempotent. Returns how many rows went.
    """
    if older_than_days < 1:
        raise ValueError("Keep help searches for a day at least: a ticket marks the searches of the day before it")
    cutoff = (now or timezone.now()) - timedelta(days=older_than_days)
    batch = batch or PRUNE_BATCH
    old = SearchRecord.objects.filter(created_at__lt=cutoff)
    deleted = 0
    while ids := list(old.order_by("pk").values_list("pk", flat=True)[:batch]):
        deleted += SearchRecord.objects.filter(pk__in=ids).delete()[0]
    return deleted
