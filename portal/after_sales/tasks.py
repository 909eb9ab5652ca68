"""After-sales tasks: take ids, call a service."""

from celery import shared_task

from . import mail


@shared_task(
    name="portal.after_sales.tasks.send_cancellation_mail", autoretry_for=(OSError,), retry_backoff=True, max_retries=5
)
def send_cancellation_mail(cancellation_id):
    mail.send_cancellation_mail(cancellation_id=cancellation_id)


@shared_task(
    name="portal.after_sales.tasks.after_design_change", autoretry_for=(OSError,), retry_backoff=True, max_retries=5
)
def after_design_change(change_id):
    from .design_changes import after_applied

    after_applied(change_id=change_id)


@shared_task(
    name="portal.after_sales.tasks.send_design_change_mail", autoretry_for=(OSError,), retry_backoff=True, max_retries=5
)
def send_design_change_mail(change_id):
    from .change_mail import send_change_mail

    send_change_mail(change_id=change_id)


@shared_task(name="portal.after_sales.tasks.refund_unapplied_change")
def refund_unapplied_change(change_id):
    from .change_payments import refund_unapplied_change as refund

    refund(change_id=change_id)
