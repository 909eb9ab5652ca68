"""The embedded profile on a private SQLite database under var/bench, for in-process benchmarks.

Call `use_private_sqlite(name)` before `django.setup()`: tasks run eagerly, no broker is
needed, and the shop's own database is never touched.
"""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
BENCH_DIR = ROOT / "var" / "bench"


def use_private_sqlite(name):
    """Point Django at var/bench/<name>.sqlite3 in the embedded profile; returns the file's path."""
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    database = BENCH_DIR / f"{name}.sqlite3"
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings.embedded"
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ.pop("CELERY_BROKER_URL", None)
    return database
