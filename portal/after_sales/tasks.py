"""After-sales tasks: take ids, call a service."""

from celery import shared_task

from . import mail


@shared_task(
    name="portal.after_sales.tasks.send_cancellation_mail", autoretry_for=(OSError,), retry_backoff=True, max_retries=5
)
def send_cancellation_mail(cancellation_id):
    mail.send_cancellation_mail(cancellation_id=cancellation_id)
