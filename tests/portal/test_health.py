"""The health page and `manage.py health` report each part, and failures as words, not tracebacks."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_health_page_shows_every_check_to_staff(login, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True

    response = login("planner@atelier.example").get("/dashboard/health/")

    html = response.content.decode()
    for name in ("Database", "Broker", "Worker", "Beat"):
        assert f">{name}</h2>" in html
    assert "migrations applied" in html


def test_broken_broker_shows_as_failing_on_the_page_not_as_a_traceback(login, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}

    response = login("admin@atelier.example").get("/dashboard/health/")

    assert response.status_code == 503
    html = response.content.decode()
    assert "health-card--fail" in html
    assert "Traceback" not in html
    assert "Error" in html  # the exception's name, as the reason


def test_health_command_prints_each_check(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    out = io.StringIO()

    with pytest.raises(CommandError, match="failing: beat"):
        call_command("health", stdout=out)

    lines = out.getvalue().splitlines()
    assert [line.split()[1] for line in lines] == ["database", "broker", "worker", "beat"]


def test_health_command_json_without_workers(settings):
    out = io.StringIO()

    call_command("health", "--json", "--no-workers", stdout=out)

    report = json.loads(out.getvalue())
    assert report["database"]["ok"] is True
    assert report["broker"]["ok"] is True


def test_unreachable_database_is_reported_not_raised():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.embedded",
        "DATABASE_URL": "postgres://nobody@127.0.0.1:1/nothing",
    }

    result = subprocess.run(
        [sys.executable, "manage.py", "health", "--no-workers"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 1
    assert "FAIL database" in result.stdout
    assert "Traceback" not in result.stderr
    assert "failing: database" in result.stderr


def test_liveness_probe_reveals_only_a_status(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_embedded_mail_lands_in_var_mail_whatever_the_working_directory(tmp_path):
    """docs/operations.md sends developers to var/mail/ for every mail the embedded profile sends;
    a worker or a shell started from another folder must write there too."""
    env = {key: value for key, value in os.environ.items() if key != "EMAIL_URL"}
    env.update({"DJANGO_SETTINGS_MODULE": "portal.settings.embedded", "PYTHONPATH": str(ROOT)})
    probe = "import django; from django.conf import settings; django.setup(); print(settings.EMAIL_FILE_PATH)"

    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60, check=False
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(ROOT / "var" / "mail")
    assert not (tmp_path / "work").exists()
