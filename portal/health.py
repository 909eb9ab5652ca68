"""Is the site whole? Database, broker, worker and beat, each checked on its own.

A failure is reported as a result with a readable reason, never raised: the health page
must render precisely when something is broken.
"""

import time
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from kombu import Connection

HEARTBEAT_STALE_AFTER = timedelta(seconds=90)


@dataclass
class CheckResult:
    name: str
    ok: bool
    detail: str
    seconds: float = 0.0
    facts: dict = field(default_factory=dict)


def _timed(name, check):
    started = time.perf_counter()
    try:
        ok, detail, facts = check()
    except Exception as error:  # noqa: BLE001 -- the point is to report any failure, not raise it
        ok, detail, facts = False, f"{type(error).__name__}: {error}", {}
    return CheckResult(name, ok, detail, round(time.perf_counter() - started, 4), facts)


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if pending:
        return False, f"{len(pending)} migration(s) not applied: run `manage.py migrate`", {"vendor": connection.vendor}
    return True, f"{connection.vendor} reachable, migrations applied", {"vendor": connection.vendor}


def _broker():
    url = settings.CELERY_BROKER_URL
    with Connection(url, transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS, connect_timeout=2) as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
        transport = conn.transport_cls
    return True, f"{transport} broker reachable", {"transport": str(transport)}


def _workers():
    from portal.celery import app

    if settings.CELERY_TASK_ALWAYS_EAGER:
        return True, "tasks run eagerly in this process (test profile)", {"workers": []}
    replies = app.control.ping(timeout=1.5) or []
    names = sorted(name for reply in replies for name in reply)
    if not names:
        return False, "no worker answered a ping within 1.5 s", {"workers": []}
    return True, f"{len(names)} worker(s) answered: {', '.join(names)}", {"workers": names}


def _beat():
    from .models import Heartbeat

    beat = Heartbeat.objects.filter(name="beat").first()
    if beat is None:
        return False, "no heartbeat recorded yet: is celery beat running?", {}
    age = timezone.now() - beat.beat_at
    facts = {"last_seconds_ago": int(age.total_seconds()), "hostname": beat.hostname}
    if age > HEARTBEAT_STALE_AFTER:
        return False, f"last heartbeat {int(age.total_seconds())} s ago (beat or worker stopped)", facts
    return True, f"last heartbeat {int(age.total_seconds())} s ago from {beat.hostname}", facts


def run_checks(*, include_workers=True):
    """Every check, in the order an operator would fix them."""
    checks = [("database", _database), ("broker", _broker)]
    if include_workers:
        checks += [("worker", _workers), ("beat", _beat)]
    return [_timed(name, check) for name, check in checks]


@dataclass
class Attention:
    """Work waiting for staff that is no fault of the site: shown on the health page, never failing it."""

    name: str
    count: int | None  # None when it could not be counted
    detail: str
    url_name: str


def _money_to_refund():
    from portal.payments.selectors import orders_with_money_to_refund

    count = orders_with_money_to_refund()
    if count == 0:
        return count, "No cancelled order holds money: nothing to refund."
    orders = "order holds" if count == 1 else "orders hold"
    return count, f"{count} cancelled {orders} money taken and not refunded: refund it from each order's page."


def needs_attention():
    """What staff must act on, each counted on its own; a count that fails says why instead."""
    items = [("Paid but cancelled: to refund", _money_to_refund, "payments:to-refund")]
    attention = []
    for name, count_it, url_name in items:
        try:
            count, detail = count_it()
        except Exception as error:  # noqa: BLE001 -- the page must render when the database is failing
            count, detail = None, f"could not be counted: {type(error).__name__}: {error}"
        attention.append(Attention(name, count, detail, url_name))
    return attention


def record_heartbeat(*, hostname):
    from .models import Heartbeat

    Heartbeat.objects.update_or_create(name="beat", defaults={"beat_at": timezone.now(), "hostname": hostname})
