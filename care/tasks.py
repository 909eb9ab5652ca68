from celery import shared_task
from django.conf import settings

from .services import mail, sweep


@shared_task(name="care.tasks.send_message_mail", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_message_mail(message_id):
    mail.send_message_mail(message_id=message_id)


@shared_task(name="care.tasks.sweep_promises")
def sweep_promises():
    """Every 5 minutes (CELERY_BEAT_SCHEDULE): warn before a promise breaks, escalate after."""
    report = sweep.sweep_promises()
    return {"warned": report.warned, "escalated": report.escalated}


@shared_task(name="care.tasks.thank_case_customer")
def thank_case_customer(page_id):
    """After a case article is published: the customer whose question it was is thanked, once."""
    from .services.articles import thank_case_customer

    thank_case_customer(page_id=page_id)


@shared_task(name="care.tasks.prune_search_records", ignore_result=True)
def prune_search_records():
    """Nightly (CELERY_BEAT_SCHEDULE): help searches older than CARE_HELP_SEARCH_RETENTION_DAYS go."""
    from .help.services import prune_search_records

    return prune_search_records(older_than_days=settings.CARE_HELP_SEARCH_RETENTION_DAYS)


@shared_task(name="care.tasks.send_claim_mail", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_claim_mail(event_id):
    from .claims.mail import send_claim_mail

    send_claim_mail(event_id=event_id)
