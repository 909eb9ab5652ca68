"""A real Celery worker, in its own process, on the test database and the test broker."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from portal.celery import QUEUES
from portal.celery import app as celery_app
from tests.helpers import wait_for

ROOT = Path(__file__).resolve().parents[2]


def test_database_url():
    """The URL of the database this test run uses, for a process that is not pytest."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class WorkerProcess:
    def __init__(self, log_path):
        self.log_path = log_path
        self.process = None
        self.log = None

    def start(self):
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "portal.settings.test",
            "DATABASE_URL": test_database_url(),
            "CELERY_TASK_ALWAYS_EAGER": "false",
        }
        self.log = open(self.log_path, "w")  # noqa: SIM115 -- closed in stop()
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "portal", "worker",
                "-Q", ",".join(QUEUES), "--concurrency", "1", "--pool", "prefork",
                "--without-mingle", "--without-gossip", "--hostname", f"test-{os.getpid()}@%h",
                "--loglevel", "INFO",
            ],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        try:
            wait_for(self.ready_or_gone, timeout=120, message="worker")
            assert self.process.poll() is None, self.output()
        except BaseException:
            # A worker that never got ready must not live on, taking later runs' tasks.
            self.stop()
            raise
        return self

    def ready_or_gone(self):
        return "ready." in self.output() or self.process.poll() is not None

    def output(self):
        return Path(self.log_path).read_text()

    def stop(self):
        """Kill the worker and its pool's child at once. The test is over: a warm (or even a cold)
        shutdown waits on the filesystem broker's one-second polls, about 7 s a test."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        if self.log and not self.log.closed:
            self.log.close()


@pytest.fixture
def celery_worker_process(transactional_db, tmp_path):
    """Start a worker, let tasks go to the broker instead of running eagerly, stop it after."""
    celery_app.control.purge()
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    worker = WorkerProcess(tmp_path / "worker.log")
    try:
        worker.start()
        yield worker
    finally:
        celery_app.conf.task_always_eager = eager
        worker.stop()
