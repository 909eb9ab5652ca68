"""The test profile: SQLite by default, PostgreSQL and Redis when their URLs are set."""

from pathlib import Path

from .base import *  # noqa: F403
from .base import BASE_DIR, CACHES, CELERY_BROKER_URL, DATABASES, env, filesystem_broker_options

# Two test runs on one machine (two checkouts, two terminals) each set their own folder for
# the SQLite file, the filesystem broker and media, so neither removes the other's database.
TEST_VAR_DIR = Path(env("TEST_VAR_DIR", default=str(BASE_DIR / "var")))
TEST_VAR_DIR.mkdir(parents=True, exist_ok=True)
# pytest-xdist's worker ("gw0", "gw1"), also in the environment of a Celery worker a test starts:
# each has its own test database (pytest-django adds the suffix) and its own broker queues, so
# one worker's tasks never run against another's database.
XDIST_WORKER = env("PYTEST_XDIST_WORKER", default="")

DEBUG = False
SECRET_KEY = "test-only-secret-key-that-is-long-enough-0123456789abcdef"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed; never in production

# A file, not memory: the live server thread and a real Celery worker process must see it.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": str(TEST_VAR_DIR / "test-atelier.sqlite3")}
    # A connection per request, as before the embedded profile kept them open: the suite copies its
    # template databases over this file (tests/testdb.py), and held connections there were not tried.
    DATABASES["default"]["CONN_MAX_AGE"] = 0

EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Stored pages in this process's memory (the live server is a thread of it), emptied per test.
CACHES = {
    **CACHES,
    "storefront": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "storefront"},
}
MEDIA_ROOT = TEST_VAR_DIR / "test-media"
SERVE_MEDIA = True

# Unit tests call tasks eagerly unless a test starts a real worker (tests/integration).
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
CELERY_TASK_EAGER_PROPAGATES = True
if CELERY_BROKER_URL.startswith("filesystem"):
    CELERY_BROKER_TRANSPORT_OPTIONS = filesystem_broker_options(TEST_VAR_DIR / "test-broker" / XDIST_WORKER)
else:
    # A task whose worker was killed comes back within seconds, not after an hour.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": 5,
        "unacked_restore_interval": 1,
        "unacked_restore_throttle": 1,
        "global_keyprefix": f"{XDIST_WORKER}:" if XDIST_WORKER else "",
    }

PRODUCTION_PLAN_SECONDS = 1.0  # demo-sized plans are proved optimal well within it
WAGTAILADMIN_BASE_URL = "http://testserver"
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
WHITENOISE_USE_FINDERS = True  # no collectstatic before tests
# Each test client loads the middleware again; without autorefresh WhiteNoise walks every finder
# and stats every static file each time (about a fifth of a unit test's time). With it, the file
# is looked up when a /static/ URL is asked for, as in the embedded profile.
WHITENOISE_AUTOREFRESH = True
STATIC_ROOT = TEST_VAR_DIR / "test-static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
