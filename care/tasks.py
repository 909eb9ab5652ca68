from celery import shared_task

from .services import mail


@shared_task(name="care.tasks.send_message_mail", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_message_mail(message_id):
    mail.send_message_mail(message_id=message_id)
