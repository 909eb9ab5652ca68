from celery import shared_task

from . import invoice, services


@shared_task(
    name="portal.documents.tasks.send_order_confirmation", autoretry_for=(OSError,), retry_backoff=True, max_retries=5
)
def send_order_confirmation(order_id):
    services.send_order_confirmation(order_id=order_id)


@shared_task(name="portal.documents.tasks.render_invoice")
def render_invoice(order_id):
    """Render (and keep) the invoice as the order stands now, so downloads are instant."""
    invoice.invoice_pdf(services.Order.objects.get(pk=order_id))
