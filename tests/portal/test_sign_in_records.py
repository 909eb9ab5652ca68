"""What django-axes records of sign-ins (the address typed, the IP, the browser) is deleted once it is
older than SIGN_IN_RECORDS_RETENTION_DAYS (90 unless set), by a nightly beat job."""

import logging
from datetime import timedelta

import pytest
from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.utils import timezone

from portal.tasks import prune_sign_in_records

pytestmark = pytest.mark.django_db

MODELS = {"access_logs": AccessLog, "access_failure_logs": AccessFailureLog, "access_attempts": AccessAttempt}


def recorded(model, username, days_ago):
    extra = {"failures_since_start": 1, "get_data": "", "post_data": ""} if model is AccessAttempt else {}
    row = model.objects.create(
        username=username,
        ip_address="198.51.100.7",
        user_agent="Firefox",
        http_accept="*/*",
        path_info="/accounts/login/",
        **extra,
    )
    model.objects.filter(pk=row.pk).update(attempt_time=timezone.now() - timedelta(days=days_ago))
    return row


@pytest.fixture
def records():
    """Of each kind: one past the retention, one just within it, one of today."""
    for model in MODELS.values():
        model.objects.all().delete()
        for days_ago in (91, 89, 0):
            recorded(model, f"{days_ago}@example.com", days_ago)


def kept(model):
    return sorted(model.objects.values_list("username", flat=True))


def test_records_older_than_the_retention_are_deleted_and_the_rest_kept(records):
    deleted = prune_sign_in_records.apply().get()

    assert deleted == {"access_logs": 1, "access_failure_logs": 1, "access_attempts": 1}
    for model in MODELS.values():
        assert kept(model) == ["0@example.com", "89@example.com"]


def test_the_retention_is_a_setting(records, settings):
    settings.SIGN_IN_RECORDS_RETENTION_DAYS = 30

    prune_sign_in_records.apply()

    for model in MODELS.values():
        assert kept(model) == ["0@example.com"]


def test_the_retention_is_ninety_days_and_the_job_runs_nightly():
    assert settings.SIGN_IN_RECORDS_RETENTION_DAYS == 90
    (entry,) = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "portal.tasks.prune_sign_in_records"]
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({3}, {45})


def test_a_kind_that_fails_leaves_the_others_pruned(records, monkeypatch, caplog):
    def broken(**kwargs):
        AccessLog.objects.all().delete()  # rolled back with its own transaction
        raise RuntimeError("disk full")

    monkeypatch.setattr(AxesProxyHandler, "reset_logs", broken)

    with caplog.at_level(logging.ERROR):
        deleted = prune_sign_in_records.apply().get()

    assert deleted == {"access_failure_logs": 1, "access_attempts": 1}
    assert kept(AccessLog) == ["0@example.com", "89@example.com", "91@example.com"]
    assert kept(AccessAttempt) == ["0@example.com", "89@example.com"]
    assert [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR] == [
        "Pruning sign-in records failed for access_logs"
    ]


def test_the_privacy_notice_says_how_long_they_are_kept():
    from portal.demo.content import PRIVACY

    (body,) = [value for kind, value in PRIVACY["body"] if kind == "rich_text"]
    days = settings.SIGN_IN_RECORDS_RETENTION_DAYS
    assert f"We delete these records after {days} days." in body
    assert f"<li>Sign-in security records: {days} days.</li>" in body
