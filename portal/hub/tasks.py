from celery import shared_task

from . import services


@shared_task
def erase_due_accounts():
    """Nightly: erase each account whose deletion grace period is over, one transaction each."""
    erased = 0
    for request_id in services.due_deletions().values_list("pk", flat=True):
        erased += services.erase_account(request_id=request_id)
    return erased
