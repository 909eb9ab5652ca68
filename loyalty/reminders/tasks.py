"""Celery tasks of the reminder engine (routed to the `reminders` queue by name)."""

from celery import shared_task
from django.db import transaction

from .services import delivery, outbox, selection


@shared_task(name="loyalty.reminders.tasks.run_reminders")
def run_reminders():
    """Beat, hourly: select every rule's candidates, then hand pending sends to workers in chunks."""
    summary = selection.run_reminders()
    for ids in summary.chunks:
        transaction.on_commit(lambda ids=ids: deliver_reminders.delay(ids))
    return {"selected": summary.selected, "created": summary.created, "chunks": len(summary.chunks)}


@shared_task(
    name="loyalty.reminders.tasks.deliver_reminders",
    autoretry_for=(Exception,),
    retry_backoff=True,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=6,
)
def deliver_reminders(send_ids):
    """One chunk (about a thousand customers); all or nothing, so a retry never duplicates."""
    # Emails go out from the outbox (beat, every minute): SMTP never holds a chunk's transaction.
    return delivery.deliver_sends(send_ids=send_ids)


@shared_task(
    name="loyalty.reminders.tasks.deliver_outbox_emails",
    autoretry_for=(Exception,),
    retry_backoff=True,
    max_retries=6,
)
def deliver_outbox_emails():
    """Beat, every minute: send queued reminder emails in batches."""
    return outbox.deliver_outbox()
