"""The production profile: PostgreSQL, Redis, Stripe, behind a TLS-terminating proxy.

Every value that must not have a default is read without one, so a missing variable
stops the process at start instead of running with an embedded default.
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import CONTENT_SECURITY_POLICY, env

DEBUG = False
SECRET_KEY = env("SECRET_KEY")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be set to at least 50 random characters in production")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
CELERY_BROKER_URL = env("CELERY_BROKER_URL")
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)}
# One cache for all gunicorn workers, so login lockouts and throttles are shared.
CACHES = {
    "default": env.cache_url("CACHE_URL"),  # e.g. redis://127.0.0.1:6379/1
    # Stored anonymous pages (portal/pagecache.py): the same Redis unless given one of its own.
    "storefront": {**env.cache_url("STOREFRONT_CACHE_URL", default=env("CACHE_URL")), "KEY_PREFIX": "storefront"},
}

# How many proxies append to X-Forwarded-For before a request reaches gunicorn (1 behind one
# TLS proxy). No default: too high lets clients choose their own address for the limits,
# too low puts every client under the proxy's one address.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT")

# TLS everywhere, for a year, on every subdomain.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_AGE = 14 * 24 * 3600
# Oscar's own cookies, which `check --deploy` does not look at.
OSCAR_BASKET_COOKIE_SECURE = True
OSCAR_RECENTLY_VIEWED_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True

CONTENT_SECURITY_POLICY = {
    **CONTENT_SECURITY_POLICY,
    "DIRECTIVES": {**CONTENT_SECURITY_POLICY["DIRECTIVES"], "upgrade-insecure-requests": True},
}

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
EMAIL_CONFIG = env.email_url("EMAIL_URL")
vars().update(EMAIL_CONFIG)
STRIPE_API_BASE = ""

# Real payments only: without a secret key the shop would run its demo gateway, whose test cards
# pay for real orders; without the webhook secret every webhook is refused with 400.
STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY")
STRIPE_PUBLISHABLE_KEY = env("STRIPE_PUBLISHABLE_KEY")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET")
for _name, _prefixes in (
    ("STRIPE_SECRET_KEY", ("sk_", "rk_")),
    ("STRIPE_PUBLISHABLE_KEY", ("pk_",)),
    ("STRIPE_WEBHOOK_SECRET", ("whsec_",)),
):
    if not vars()[_name].startswith(_prefixes):
        raise ImproperlyConfigured(f"{_name} must be set in production and start with {' or '.join(_prefixes)}")
if ("_live_" in STRIPE_SECRET_KEY) != ("_live_" in STRIPE_PUBLISHABLE_KEY):
    raise ImproperlyConfigured("STRIPE_SECRET_KEY and STRIPE_PUBLISHABLE_KEY must both be live keys or both test keys")

# No example domain in production: until CARE_REPLY_DOMAIN names a domain whose mail reaches
# care_inbound_mail or /care/inbound-mail/, care's e-mails carry no Reply-To (answers go to the From).
CARE_REPLY_DOMAIN = env("CARE_REPLY_DOMAIN", default="")
