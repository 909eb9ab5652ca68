from celery import shared_task

from . import services


@shared_task(name="care.surveys.tasks.open_survey_ticket", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def open_survey_ticket(survey_id):
    """After a low score is committed: its quality ticket, once (services.open_survey_ticket)."""
    ticket = services.open_survey_ticket(survey_id=survey_id)
    return ticket.reference if ticket else None
