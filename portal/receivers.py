"""Every signal from Django, Oscar or Wagtail that crosses apps is received here, and only here."""

from django.contrib.auth.signals import user_logged_in

from configurator import services as configurator_services
from configurator.ownership import session_designs
from production import tasks as production_tasks

from .documents import tasks as document_tasks
from .events import order_paid_signal, order_refunded_signal


def claim_anonymous_designs(sender, request, user, **kwargs):
    """Designs saved before signing in become the shopper's own."""
    if request is not None and hasattr(request, "session"):
        configurator_services.claim_designs(user=user, design_uuids=session_designs(request))


def confirm_paid_order(sender, order_id, **kwargs):
    document_tasks.send_order_confirmation.delay(order_id)


def release_to_production(sender, order_id, **kwargs):
    # customer_weight: the loyalty tier's weight comes here (loyalty.selectors.production_weight).
    production_tasks.release_paid_order.delay(order_id, customer_weight=1)


def refresh_invoice(sender, order_id, **kwargs):
    document_tasks.render_invoice.delay(order_id)


def connect():
    user_logged_in.connect(claim_anonymous_designs, dispatch_uid="portal-claim-designs")
    order_paid_signal.connect(confirm_paid_order, dispatch_uid="portal-confirm-paid-order")
    order_paid_signal.connect(release_to_production, dispatch_uid="portal-release-to-production")
    order_refunded_signal.connect(refresh_invoice, dispatch_uid="portal-refresh-invoice")
