import logging

from celery import shared_task

from . import services

logger = logging.getLogger(__name__)


@shared_task
def erase_due_accounts():
    """Nightly: erase each account whose deletion grace period is over, one transaction each.

    One that cannot be erased (a row that protects the person, such as a former staff member's
    signed points adjustment) is logged and the others are erased; it is tried again each night."""
    erased = 0
    for request_id in list(services.due_deletions().order_by("pk").values_list("pk", flat=True)):
        try:
            erased += services.erase_account(request_id=request_id)
        except Exception:  # one account's failure must not stop the others
            logger.exception("Erasing the account of deletion request %s failed", request_id)
    return erased
