from dataclasses import asdict

from celery import shared_task

from . import scheduled


@shared_task(name="portal.cms.tasks.publish_scheduled", ignore_result=True)
def publish_scheduled():
    """On beat, every minute: what editors scheduled goes live or expires (portal/cms/scheduled.py)."""
    return asdict(scheduled.publish_scheduled())
