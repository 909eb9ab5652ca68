from celery import shared_task

from . import mail


@shared_task(
    name="portal.assisted.tasks.send_pay_link_mail", autoretry_for=(OSError,), retry_backoff=True, max_retries=5
)
def send_pay_link_mail(assisted_id):
    """After a basket is sent for payment: its customer is e-mailed the pay link, once."""
    mail.send_pay_link_mail(assisted_id=assisted_id)
