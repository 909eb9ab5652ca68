"""The embedded profile started by `make run`: SQLite, filesystem broker, demo payments.

DEBUG stays off by default so the site shows its own error pages as it would in
production; set DEBUG=true in the environment for Django's debug pages.
"""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=False)
# Static files straight from the apps' folders, no collectstatic step, picked up on change.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Uploaded and generated media from this process: fine on one machine, never in production.
SERVE_MEDIA = True
