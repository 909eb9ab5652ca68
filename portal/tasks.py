import socket

from celery import shared_task
from django.conf import settings

from . import health
from . import reconcile as reconcilers


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
