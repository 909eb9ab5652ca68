"""Tasks really run on a separate Celery worker process, through the real broker."""

import pytest

from portal import health
from portal.models import Heartbeat
from portal.tasks import record_heartbeat
from tests.helpers import wait_for

pytestmark = pytest.mark.integration


def test_a_task_sent_to_the_broker_runs_on_the_worker_and_writes_to_the_database(celery_worker_process):
    assert not Heartbeat.objects.exists()

    record_heartbeat.delay()

    beat = wait_for(lambda: Heartbeat.objects.filter(name="beat").first(), message="the heartbeat row")
    assert beat.hostname
    assert "portal.tasks.record_heartbeat" in celery_worker_process.output()


def test_health_sees_the_running_worker(celery_worker_process, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False

    worker_check = next(result for result in health.run_checks() if result.name == "worker")

    assert worker_check.ok, worker_check.detail
    assert "test-" in worker_check.detail
