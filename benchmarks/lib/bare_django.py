"""A bare Django JSON view, the floor an HTTP benchmark measures a real endpoint against.

    gunicorn benchmarks.lib.bare_django:application

The installed Django with no apps, no database and only the middleware every Django project
keeps (security, common, clickjacking); one view, at any path and for any method, answers
`{"ok": true, "path": ...}` as JSON. Served by the same gunicorn, worker count and load
generator as the endpoint it is compared with, so the ratio between them is the endpoint's own
cost: its middleware, session, queries, work and rendering.
"""

import secrets

import django
from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import JsonResponse
from django.urls import re_path

settings.configure(
    DEBUG=False,
    SECRET_KEY=secrets.token_urlsafe(32),  # signs nothing: no sessions, no forms
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    INSTALLED_APPS=[],
    DATABASES={},
    MIDDLEWARE=[
        "django.middleware.security.SecurityMiddleware",
        "django.middleware.common.CommonMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
    ],
    USE_TZ=True,
    LOGGING_CONFIG=None,
)
django.setup()


def bare(request):
    return JsonResponse({"ok": True, "path": request.path})


urlpatterns = [re_path(r"", bare)]

application = get_wsgi_application()
