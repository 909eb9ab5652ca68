"""Stock django-oscar with the minimal settings its "Building your own shop" page gives.

Nothing of Atelier: Oscar's own apps, templates and default strategy, Haystack's simple backend,
a SQLite file given by STOCK_OSCAR_DATABASE, no debug toolbar, DEBUG off. benchmarks/storefront.py
builds its database and serves it with the same gunicorn settings as Atelier.
"""

import os
from pathlib import Path

from oscar import INSTALLED_APPS as OSCAR_APPS
from oscar.defaults import *  # noqa: F403  (Oscar's settings are meant to be star-imported)

BASE_DIR = Path(__file__).resolve().parent
SECRET_KEY = "stock-oscar-benchmark-only-not-secret-5f0c9e2d7a1b4c3e8f6a0d9b2c7e4f1a"  # noqa: S105 -- local benchmark
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
SITE_ID = 1

INSTALLED_APPS = [*OSCAR_APPS, "sorl.thumbnail"]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "oscar.apps.basket.middleware.BasketMiddleware",
    "django.contrib.flatpages.middleware.FlatpageFallbackMiddleware",
]

ROOT_URLCONF = "benchmarks.lib.stock_oscar.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.template.context_processors.i18n",
                "django.contrib.messages.context_processors.messages",
                "oscar.apps.search.context_processors.search_form",
                "oscar.apps.checkout.context_processors.checkout",
                "oscar.apps.communication.notifications.context_processors.notifications",
                "oscar.core.context_processors.metadata",
            ],
        },
    },
]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("STOCK_OSCAR_DATABASE", str(BASE_DIR / "stock_oscar.sqlite3")),
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

AUTHENTICATION_BACKENDS = (
    "oscar.apps.customer.auth_backends.EmailBackend",
    "django.contrib.auth.backends.ModelBackend",
)

HAYSTACK_CONNECTIONS = {"default": {"ENGINE": "haystack.backends.simple_backend.SimpleEngine"}}

LANGUAGE_CODE = "en-gb"
USE_TZ = True
TIME_ZONE = "Europe/London"
STATIC_URL = "/static/"
MEDIA_ROOT = os.environ.get("STOCK_OSCAR_MEDIA", str(BASE_DIR / "media"))
MEDIA_URL = "/media/"
OSCAR_DEFAULT_CURRENCY = "GBP"
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
