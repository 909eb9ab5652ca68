import socket

from celery import shared_task
from django.conf import settings

from . import health, referrals
from . import reconcile as reconcilers
from .payments.gateways import GatewayUnavailable


@shared_task(name="portal.tasks.record_heartbeat", ignore_result=True)
def record_heartbeat():
    health.record_heartbeat(hostname=socket.gethostname())


@shared_task(name="portal.tasks.echo")
def echo(value):
    """Returns its argument: lets tests and operators see a round trip through a real worker."""
    return value


@shared_task(name="portal.tasks.prune_sign_in_records", ignore_result=True)
def prune_sign_in_records():
    """Nightly: delete sign-in records past their retention (what the privacy notice promises)."""
    from portal.customer.lockout import prune_sign_in_records as prune

    return prune(older_than_days=settings.SIGN_IN_RECORDS_RETENTION_DAYS)


@shared_task(name="portal.tasks.reconcile", ignore_result=True)
def reconcile():
    """Beat: the rows of portal/reconcile.py that are due, each on its own."""
    return reconcilers.run()


@shared_task(
    name="portal.tasks.reward_referral", autoretry_for=(GatewayUnavailable,), retry_backoff=True, max_retries=5
)
def reward_referral(order_id):
    """A friend's first paid order decides their referral (portal/referrals.py); Stripe down: retried."""
    referrals.reward_first_paid_order(order_id)
