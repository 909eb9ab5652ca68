import socket

from celery import shared_task

from . import health


@shared_task(name="portal.tasks.record_heartbeat", ignore_result=True)
def record_heartbeat():
    health.record_heartbeat(hostname=socket.gethostname())


@shared_task(name="portal.tasks.echo")
def echo(value):
    """Returns its argument: lets tests and operators see a round trip through a real worker."""
    return value
