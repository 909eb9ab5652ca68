"""Settings shared by every profile; each value can come from the environment.

The defaults describe the embedded profile (SQLite, filesystem broker, demo payments),
so a fresh checkout runs with no configuration. `production.py` tightens what must be
tight and refuses to start without the values production needs.
"""

import zoneinfo
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from oscar import INSTALLED_APPS as OSCAR_APPS
from oscar.defaults import *  # noqa: F403  (Oscar's settings are meant to be star-imported)

from atelier import orders

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

VAR_DIR.mkdir(exist_ok=True)  # the embedded profile's database, broker, mail and beat state live here

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

SECRET_KEY = env("SECRET_KEY", default="embedded-profile-only-not-secret-0b1e6f0a4c7d")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_ID = 1

# --- Applications -----------------------------------------------------------------------

# Oscar's list with our forks swapped in place, as Oscar's own fork how-to does.
_OSCAR_FORKS = {
    "oscar.config.Shop": "portal.shop.AtelierShop",
    "django.contrib.admin": "portal.admin_site.AtelierAdminConfig",
    "oscar.apps.catalogue.apps.CatalogueConfig": "catalog.apps.CatalogueConfig",
    "oscar.apps.shipping.apps.ShippingConfig": "portal.shipping.apps.ShippingConfig",
    "oscar.apps.partner.apps.PartnerConfig": "portal.partner.apps.PartnerConfig",
    "oscar.apps.basket.apps.BasketConfig": "portal.basket.apps.BasketConfig",
    "oscar.apps.order.apps.OrderConfig": "portal.order.apps.OrderConfig",
    "oscar.apps.checkout.apps.CheckoutConfig": "portal.checkout.apps.CheckoutConfig",
    "oscar.apps.offer.apps.OfferConfig": "portal.offers.apps.OfferConfig",
    "oscar.apps.customer.apps.CustomerConfig": "portal.customer.apps.CustomerConfig",
}
# Forks first: their templates must win over the ones inside Oscar's own package.
_oscar_apps = sorted(
    (_OSCAR_FORKS.get(app, app) for app in OSCAR_APPS),
    key=lambda app: app not in _OSCAR_FORKS.values() or app.startswith("portal.shop"),
)

INSTALLED_APPS = [
    "portal.users.apps.UsersConfig",
    "portal.apps.PortalConfig",
    "portal.cms.apps.CmsConfig",
    "portal.payments.apps.PaymentsConfig",
    "portal.documents.apps.DocumentsConfig",
    "portal.hub.apps.HubConfig",
    "portal.assisted.apps.AssistedConfig",
    "portal.after_sales.apps.AfterSalesConfig",
    "configurator.apps.ConfiguratorConfig",
    "production.apps.ProductionConfig",
    "loyalty.apps.LoyaltyConfig",
    "loyalty.reminders.apps.RemindersConfig",
    "loyalty.wallet.apps.WalletConfig",
    "care.apps.CareConfig",
    "care.help.apps.HelpConfig",
    "care.surveys.apps.SurveysConfig",
    "analytics.apps.AnalyticsConfig",
    *_oscar_apps,
    "sorl.thumbnail",
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    # Platform
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "ninja",
    "axes",
    "csp",
]

MIDDLEWARE = [
    # First: it serves a stored anonymous page after every other middleware read the request,
    # and stores one after every other one wrote the response (portal/pagecache.py).
    "portal.pagecache.AnonymousPageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "portal.security.SiteCSPMiddleware",
    "portal.basket.middleware.BasketMiddleware",  # Oscar's, with SameSite on its basket cookie
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, so a locked-out login never reaches the views.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
AUTH_USER_MODEL = "users.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # portal/templates is the portal app's own folder, found through APP_DIRS (portal comes
        # before the apps it overrides); listed in DIRS too, a template there that extends
        # Oscar's of the same name was found twice and ran twice.
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.template.context_processors.i18n",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "portal.context_processors.shop_search_form",  # Oscar's, kept out of Wagtail's admin
                "oscar.apps.checkout.context_processors.checkout",
                "oscar.apps.communication.notifications.context_processors.notifications",
                "oscar.core.context_processors.metadata",
                "portal.context_processors.site_frame",
            ],
        },
    },
]

# --- Data -------------------------------------------------------------------------------

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'atelier.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock at BEGIN: a read-then-write transaction (points,
    # order status) can then never fail on lock upgrade, and writers queue instead.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # Kept open between requests too: opening the file and its pragmas was about a third of a live
    # quote's time under gunicorn (docs/benchmarks.md, issue #22).
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": env.cache_url("CACHE_URL", default="locmemcache://atelier"),
    # Whole anonymous pages and the data they are built from (portal/pagecache.py), shared by every
    # gunicorn worker: a folder here, Redis in production.
    "storefront": env.cache_url(
        "STOREFRONT_CACHE_URL", default=f"filecache://{VAR_DIR / 'cache' / 'storefront'}?MAX_ENTRIES=5000"
    ),
}
# How long a page for visitors without a session is kept; 0 renders every page.
STOREFRONT_PAGE_CACHE_SECONDS = env.int("STOREFRONT_PAGE_CACHE_SECONDS", default=60)

# --- Authentication ----------------------------------------------------------------------

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "oscar.apps.customer.auth_backends.EmailBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = reverse_lazy("customer:login")
LOGIN_REDIRECT_URL = "/accounts/"

# Lock out a username from one address after 5 failures for 15 minutes. Keyed on the
# pair so an attacker cannot lock a customer out from everywhere by guessing.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
# Every spelling of an address ("BEN@example.com ") counts against the one account's counter.
AXES_USERNAME_CALLABLE = "portal.users.emails.axes_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "portal/locked_out.html"
AXES_VERBOSE = False
# The same client address as every other limit: X-Forwarded-For only as far as trusted proxies vouch.
AXES_CLIENT_IP_CALLABLE = "configurator.throttling.client_address"
# Days axes' records of sign-ins (address typed, IP, browser) are kept; the privacy notice says 90.
SIGN_IN_RECORDS_RETENTION_DAYS = env.int("SIGN_IN_RECORDS_RETENTION_DAYS", default=90)
# Tries at a Wagtail privacy password (a private page's or document collection's shared one) per
# client address and restriction: "10/15m" is 10 per 15 minutes (portal.cms.privacy_passwords).
PRIVACY_PASSWORD_RATE = env("PRIVACY_PASSWORD_RATE", default="10/15m")

# How many reverse proxies in front of the site append to X-Forwarded-For. 0 (the embedded
# profile, reached directly): the header is ignored and REMOTE_ADDR is the client.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# --- Internationalisation -----------------------------------------------------------------

LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", _("English"))]
TIME_ZONE = env("TIME_ZONE", default="Europe/London")
USE_I18N = True
USE_TZ = True

# --- Static and media ---------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "portal" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- Email --------------------------------------------------------------------------------

# The embedded profile keeps every mail as a file under var/mail, where a developer can read it.
# Three slashes before the absolute path, as for SQLite above: django-environ drops the first
# slash of a URL's path, and with two the mail went to a relative folder under the current one.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default=f"filemail:///{VAR_DIR / 'mail'}")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Atelier <hello@atelier.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# The seller, as invoices and confirmations name it.
ATELIER_SELLER = {
    "name": "Atelier Workshop Ltd",
    "trading_name": "Atelier",
    "address": ["Unit 4, Kelham Yard", "Sheffield S3 8RY", "United Kingdom"],
    "company_number": "01234567",
    "vat_number": "GB 123 4567 89",
    "email": "hello@atelier.example",
}

# --- Oscar --------------------------------------------------------------------------------

OSCAR_SHOP_NAME = "Atelier"
OSCAR_SHOP_TAGLINE = _("Made to order, made for you")
OSCAR_HOMEPAGE = "/"
OSCAR_DEFAULT_CURRENCY = "GBP"
# Prices are VAT-inclusive, so a £5 discount (points redeemed) takes £5 off what the shopper pays.
OSCAR_OFFERS_INCL_TAX = True
OSCAR_FROM_EMAIL = DEFAULT_FROM_EMAIL
OSCAR_ALLOW_ANON_CHECKOUT = True
OSCAR_ALLOW_GUEST_CHECKOUT_WITH_ACCOUNT = True
# Reviews come from signed-in customers only: Oscar's default lets anyone post one, unmoderated,
# under any name, a channel for spam on every stocked product's page.
OSCAR_ALLOW_ANON_REVIEWS = False
OSCAR_MISSING_IMAGE_URL = "image_not_found.jpg"
OSCAR_BASKET_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=False)
OSCAR_RECENTLY_VIEWED_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=False)
# Oscar's default names a cookie it no longer sets ("oscar_recently_viewed_products"), so a
# shared computer kept the last shopper's recently viewed products after signing out.
OSCAR_COOKIES_DELETE_ON_LOGOUT = [OSCAR_RECENTLY_VIEWED_COOKIE_NAME]
OSCAR_THUMBNAILER = "catalog.thumbnails.SvgAwareThumbnailer"
# Who sees a menu entry or a link is whoever may open its page: Oscar's permissions for its pages,
# our roles for ours (portal/dashboard_access.py), so no entry needs an access_fn of its own.
OSCAR_DASHBOARD_DEFAULT_ACCESS_FUNCTION = "portal.dashboard_access.may_open"
OSCAR_DASHBOARD_NAVIGATION = [
    *OSCAR_DASHBOARD_NAVIGATION,
    {
        "label": _("Loyalty"),
        "icon": "fas fa-award",
        "children": [
            {"label": _("Overview"), "url_name": "loyalty-dashboard:overview"},
            {"label": _("Programme rules"), "url_name": "loyalty-dashboard:rules"},
            {"label": _("Customers"), "url_name": "loyalty-dashboard:customers"},
            {"label": _("Store credit"), "url_name": "wallet-dashboard:credit"},
        ],
    },
    {
        "label": _("Analytics"),
        "icon": "fas fa-chart-bar",
        "children": [
            {"label": _("Margins"), "url_name": "analytics-dashboard:margins"},
            {"label": _("Campaign ROI"), "url_name": "analytics-dashboard:roi"},
            {"label": _("Cohorts"), "url_name": "analytics-dashboard:cohorts"},
            {"label": _("Promises kept"), "url_name": "analytics-dashboard:promises"},
            {"label": _("Value classes"), "url_name": "analytics-dashboard:value-classes"},
        ],
    },
    {
        "label": _("Customer care"),
        "icon": "fas fa-life-ring",
        "children": [
            {"label": _("Ticket queue"), "url_name": "care-dashboard:queue"},
            {"label": _("Returns and claims"), "url_name": "care-dashboard:claims"},
            {"label": _("New ticket for a customer"), "url_name": "care-dashboard:find-customer"},
            {"label": _("Baskets for customers"), "url_name": "assisted-dashboard:list"},
            {"label": _("Surveys"), "url_name": "surveys-dashboard:list"},
            {"label": _("Reports"), "url_name": "care-reports:reports"},
        ],
    },
    {
        "label": _("Planning"),
        "icon": "fas fa-industry",
        "children": [
            {"label": _("Planner board"), "url_name": "production:board"},
            {"label": _("Factory: calendars, centers, routings"), "url_name": "production:factory"},
            {"label": _("Delivery slots"), "url_name": "production:delivery-slots"},
            {"label": _("Import shipments"), "url_name": "production:shipments-import"},
        ],
    },
    {
        "label": _("Site"),
        "icon": "fas fa-heartbeat",
        "children": [
            {"label": _("Health"), "url_name": "portal:health"},
            {"label": _("Reminders"), "url_name": "reminders:dashboard"},
            {"label": _("Content (Wagtail)"), "url_name": "wagtailadmin_home"},
        ],
    },
]
# Money taken for a cancelled order is found beside the orders: Fulfilment, after Oscar's Orders.
_TO_REFUND = {"label": _("Paid but cancelled: to refund"), "url_name": "payments:to-refund"}
OSCAR_DASHBOARD_NAVIGATION = [
    {**item, "children": [*item["children"], _TO_REFUND]}
    if any(child.get("url_name") == "dashboard:order-list" for child in item.get("children", []))
    else item
    for item in OSCAR_DASHBOARD_NAVIGATION
]

# The life of an order (atelier.orders, as plain strings). Oscar refuses any status change not listed.
OSCAR_INITIAL_ORDER_STATUS = OSCAR_INITIAL_LINE_STATUS = orders.INITIAL_STATUS.value
OSCAR_ORDER_STATUS_PIPELINE = {
    status.value: tuple(following.value for following in way_on) for status, way_on in orders.PIPELINE.items()
}
OSCAR_LINE_STATUS_PIPELINE = OSCAR_ORDER_STATUS_PIPELINE
OSCAR_ORDER_STATUS_CASCADE = {status: status for status in OSCAR_ORDER_STATUS_PIPELINE}

HAYSTACK_CONNECTIONS = {"default": {"ENGINE": "haystack.backends.simple_backend.SimpleEngine"}}
# The simple backend queries the database directly; there is no index to keep up to date.
HAYSTACK_SIGNAL_PROCESSOR = "haystack.signals.BaseSignalProcessor"
THUMBNAIL_DEBUG = False
THUMBNAIL_KVSTORE = "sorl.thumbnail.kvstores.cached_db_kvstore.KVStore"

# --- Wagtail ------------------------------------------------------------------------------

WAGTAIL_SITE_NAME = "Atelier"
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", default="http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
# Videos (and their WebVTT captions) are documents too: the video block plays them from our origin.
WAGTAILDOCS_EXTENSIONS = ["pdf", "mp4", "webm", "vtt"]
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAIL_ENABLE_UPDATE_CHECK = False
# Submissions kept per form page and client address (portal/cms/form_pages.py): past it, refused in words.
CMS_FORM_RATE = env("CMS_FORM_RATE", default="5/h")
# Avatars from our own origin only: Gravatar's images broke the CSP (img-src 'self') on every admin page.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# The time zones editors may choose: Wagtail offers every name zoneinfo lists, and on Debian that
# includes the system's "localtime" link, which browsers refuse (the account page logged an error).
WAGTAIL_USER_TIME_ZONES = sorted(zoneinfo.available_timezones() - {"localtime"})
WAGTAIL_I18N_ENABLED = False
# Wagtail's search index and reference index run through django-tasks; inline is enough here.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# --- Celery -------------------------------------------------------------------------------

CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://localhost/")


def filesystem_broker_options(folder):
    """kombu's filesystem transport: one folder of message files, created on first use."""
    for sub in ("queue", "control"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    return {
        "data_folder_in": str(folder / "queue"),
        "data_folder_out": str(folder / "queue"),
        "control_folder": str(folder / "control"),
        "store_processed": False,
    }


CELERY_BROKER_TRANSPORT_OPTIONS = (
    filesystem_broker_options(Path(env("CELERY_FILESYSTEM_BROKER_DIR", default=str(VAR_DIR / "broker"))))
    if CELERY_BROKER_URL.startswith("filesystem")
    # Redelivers a task whose worker died; longer than the longest task we run.
    else {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)}
)
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_SOFT_SHUTDOWN_TIMEOUT = 10
CELERY_TASK_TIME_LIMIT = 15 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 14 * 60
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "production.tasks.print_travelers": {"queue": "documents"},  # PDFs, not planning: listed first
    "production.*": {"queue": "scheduling"},
    "loyalty.reminders.*": {"queue": "reminders"},
    "*.documents.*": {"queue": "documents"},
}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# The table of reconcilers (portal/reconcile.py) runs this often; each row is due at its own period.
RECONCILE_TICK_SECONDS = 300
CELERY_BEAT_SCHEDULE = {
    "heartbeat": {"task": "portal.tasks.record_heartbeat", "schedule": 30.0},
    "reconcile": {"task": "portal.tasks.reconcile", "schedule": float(RECONCILE_TICK_SECONDS)},
    "cancel-unpaid-orders": {"task": "portal.payments.tasks.cancel_unpaid_orders", "schedule": 3600.0},
    "run-reminders": {"task": "loyalty.reminders.tasks.run_reminders", "schedule": 3600.0},
    "deliver-reminder-emails": {"task": "loyalty.reminders.tasks.deliver_outbox_emails", "schedule": 60.0},
    "erase-due-accounts": {"task": "portal.hub.tasks.erase_due_accounts", "schedule": crontab(hour=3, minute=30)},
    "prune-sign-in-records": {"task": "portal.tasks.prune_sign_in_records", "schedule": crontab(hour=3, minute=45)},
    # Rolls the plan forward as time passes (work not started when planned moves on).
    "replan-production": {"task": "production.tasks.replan_plant", "schedule": 1800.0},
    # Pages and snippets editors scheduled in Wagtail go live or expire (Wagtail leaves the running to us).
    "publish-scheduled": {"task": "portal.cms.tasks.publish_scheduled", "schedule": 60.0},
}

# --- Account hub ------------------------------------------------------------------------

# Days between a customer's deletion request and the erasure; they may cancel until then.
HUB_DELETION_GRACE_DAYS = env.int("HUB_DELETION_GRACE_DAYS", default=14)
# --- Loyalty (nightly jobs in the small hours, shop time) ----------------------------------
CELERY_BEAT_SCHEDULE.update(
    {
        "loyalty-release-stale-holds": {"task": "loyalty.tasks.release_stale_holds", "schedule": 900.0},
        "loyalty-vest-due": {"task": "loyalty.tasks.vest_due_points", "schedule": crontab(hour=1, minute=30)},
        "loyalty-expire-due": {"task": "loyalty.tasks.expire_due_points", "schedule": crontab(hour=1, minute=45)},
        "loyalty-birthdays": {"task": "loyalty.tasks.award_birthday_bonuses", "schedule": crontab(hour=6, minute=0)},
        "loyalty-nightly-recompute": {"task": "loyalty.tasks.nightly_recompute", "schedule": crontab(hour=2, minute=0)},
    }
)

# --- Gift cards and store credit (loyalty/wallet) ------------------------------------------

# A gift card is a whole number of pounds between these, valid this many months from its delivery.
WALLET_GIFT_CARD_MIN = env.int("WALLET_GIFT_CARD_MIN", default=10)
WALLET_GIFT_CARD_MAX = env.int("WALLET_GIFT_CARD_MAX", default=500)
WALLET_GIFT_CARD_MONTHS = env.int("WALLET_GIFT_CARD_MONTHS", default=24)
# An order paid partly by gift card or store credit leaves at least this to the card (Stripe's least charge).
WALLET_CARD_MINIMUM = env("WALLET_CARD_MINIMUM", default="0.50")
# The most store credit one staff action may give.
WALLET_STORE_CREDIT_MAX = env.int("WALLET_STORE_CREDIT_MAX", default=1000)
# Gift card codes tried (at checkout and in the hub), per account and per client address ("10/h"; /m, /d too).
WALLET_CODE_RATE = env("WALLET_CODE_RATE", default="10/h")
CELERY_BEAT_SCHEDULE.update(
    {
        "wallet-send-due-gift-cards": {"task": "loyalty.wallet.tasks.send_due_gift_cards", "schedule": 900.0},
        "wallet-release-stale-holds": {"task": "loyalty.wallet.tasks.release_stale_holds", "schedule": 900.0},
    }
)

# --- Analytics ----------------------------------------------------------------------------

# Line costs are frozen when an order is paid (portal/events.py); the actual labour of the lines
# the workshop has finished is recorded every hour (analytics/services.record_actual_labour).
CELERY_BEAT_SCHEDULE["analytics-actual-labour"] = {
    "task": "analytics.tasks.record_actual_labour",
    "schedule": crontab(minute=20),
}
# The margin dashboard's roll-ups (analytics/rollup.py), after the loyalty recompute (segments,
# tiers) and the hour's actual labour. Pages read raw orders for the days not rolled up yet.
CELERY_BEAT_SCHEDULE["analytics-roll-up-margins"] = {
    "task": "analytics.tasks.roll_up_margins",
    "schedule": crontab(hour=2, minute=40),
}
# Where the dashboards read (docs/operations.md): a read replica's alias in DATABASES when one is
# configured; the roll-up always writes to "default".
ANALYTICS_DATABASE = env("ANALYTICS_DATABASE", default="default")
# Value classes (analytics/reclassify.py) after loyalty's nightly recompute at 02:00, which opens the
# accounts of the day's new customers; the 12-month contribution is read from the orders then.
CELERY_BEAT_SCHEDULE["analytics-value-classes"] = {
    "task": "analytics.tasks.reclassify_customers",
    "schedule": crontab(hour=2, minute=20),
}

# --- Customer care ------------------------------------------------------------------------

# When the promise clock runs (care/promise.py): weekdays (0 = Monday), opening and closing on the
# shop's clock (TIME_ZONE), and days off as ISO dates ("2026-12-25").
CARE_WORKING_HOURS = {
    "days": env.list("CARE_WORKING_DAYS", cast=int, default=[0, 1, 2, 3, 4]),
    "start": env("CARE_WORKING_START", default="09:00"),
    "end": env("CARE_WORKING_END", default="17:00"),
    "holidays": env.list("CARE_HOLIDAYS", default=[]),
}
# Ticket attachments: outside MEDIA_ROOT, served only through care's views to the owner and staff.
CARE_PRIVATE_ROOT = Path(env("CARE_PRIVATE_ROOT", default=str(VAR_DIR / "private")))
CARE_ATTACHMENT_MAX_BYTES = env.int("CARE_ATTACHMENT_MAX_BYTES", default=5 * 1024 * 1024)
CARE_ATTACHMENTS_PER_MESSAGE = 3
# Returns and warranty claims (care/claims/): days from delivery, the photos a claim may carry (each at
# most CARE_ATTACHMENT_MAX_BYTES), and where a return label sends the parcel.
CARE_RETURN_DAYS = env.int("CARE_RETURN_DAYS", default=14)
CARE_WARRANTY_DAYS = env.int("CARE_WARRANTY_DAYS", default=730)
CARE_CLAIM_PHOTOS = env.int("CARE_CLAIM_PHOTOS", default=4)
# The topics a claim's ticket opens under when the customer has no active ticket about the item
# (made on first use if missing; a warranty claim's must be a complaint, so staff can start a remake).
CARE_RETURN_TOPIC = env("CARE_RETURN_TOPIC", default="returns")
CARE_WARRANTY_TOPIC = env("CARE_WARRANTY_TOPIC", default="product-quality")
CARE_RETURNS_ADDRESS = env.list(
    "CARE_RETURNS_ADDRESS", default=["Atelier Returns", "Unit 4, Canal Works", "Leeds", "LS11 5QN", "United Kingdom"]
)
# Tickets and replies per account and per client address ("10/h"; /m, /d too): each is mail to staff.
CARE_TICKET_RATE = env("CARE_TICKET_RATE", default="10/h")
CARE_REPLY_RATE = env("CARE_REPLY_RATE", default="30/h")
# Points thanking a customer whose question became a published help article (once per ticket).
CARE_CASE_ARTICLE_POINTS = env.int("CARE_CASE_ARTICLE_POINTS", default=100)
# The queue an escalated ticket goes to.
CARE_ESCALATION_GROUP = env("CARE_ESCALATION_GROUP", default="Experts")
# The sweep warns the queue this many minutes before a promise breaks, and escalates once it has.
CARE_WARN_BEFORE_MINUTES = env.int("CARE_WARN_BEFORE_MINUTES", default=120)
CELERY_BEAT_SCHEDULE["care-sweep-promises"] = {"task": "care.tasks.sweep_promises", "schedule": 300.0}
# Help searches (what was asked, with a random per-browser code) are kept this many days, then pruned nightly.
CARE_HELP_SEARCH_RETENTION_DAYS = env.int("CARE_HELP_SEARCH_RETENTION_DAYS", default=90)
CELERY_BEAT_SCHEDULE["care-prune-help-searches"] = {
    "task": "care.tasks.prune_search_records",
    "schedule": crontab(hour=4, minute=0),
}
# E-mail replies: care's e-mails carry Reply-To care+<reference>-<signature>@CARE_REPLY_DOMAIN (empty:
# no Reply-To, answers go to the From); mail to it reaches `manage.py care_inbound_mail` through the
# MTA, or POST /care/inbound-mail/ with this secret (empty: that endpoint is off, 404), raw MIME up to
# CARE_INBOUND_MAIL_MAX_BYTES.
CARE_REPLY_DOMAIN = env("CARE_REPLY_DOMAIN", default="reply.atelier.example")
CARE_INBOUND_MAIL_SECRET = env("CARE_INBOUND_MAIL_SECRET", default="")
CARE_INBOUND_MAIL_MAX_BYTES = env.int("CARE_INBOUND_MAIL_MAX_BYTES", default=25 * 1024 * 1024)
# Surveys (care/surveys/): the topic a score of 3 or below opens its ticket under (else the first
# complaint topic), and how long the reminder's signed link stays good.
SURVEY_TICKET_TOPIC = env("SURVEY_TICKET_TOPIC", default="product-quality")
SURVEY_LINK_MAX_AGE_DAYS = env.int("SURVEY_LINK_MAX_AGE_DAYS", default=60)

# --- Assisted baskets (portal/assisted/) ---------------------------------------------------

# Days a pay link for a basket staff built for a customer stays good.
ASSISTED_BASKET_LINK_DAYS = env.int("ASSISTED_BASKET_LINK_DAYS", default=7)

# --- Configurator ---------------------------------------------------------------------

# Quotes per client address, the JSON API's and the live page's together ("600/m"; /s, /h, /d too).
CONFIGURATOR_QUOTE_RATE = env("CONFIGURATOR_QUOTE_RATE", default="600/m")
# Designs saved per client address, the JSON API's and the pages' together: each is a row.
CONFIGURATOR_DESIGN_SAVE_RATE = env("CONFIGURATOR_DESIGN_SAVE_RATE", default="30/m")

# --- Stripe -------------------------------------------------------------------------------

STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY", default="")
STRIPE_PUBLISHABLE_KEY = env("STRIPE_PUBLISHABLE_KEY", default="")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET", default="")
# The carriers' tracking webhook (/carriers/tracking/, docs/operations.md): the shared secret its
# HMAC-SHA256 signature is made with. Empty: the webhook answers 404.
CARRIER_WEBHOOK_SECRET = env("CARRIER_WEBHOOK_SECRET", default="")
# Tests point the real client at a local fake; unset in production, so Stripe's own base applies.
STRIPE_API_BASE = env("STRIPE_API_BASE", default="")

# Production planning: CP-SAT time per (re-)plan, in seconds, and how many days ahead calendars reach.
PRODUCTION_PLAN_SECONDS = env.float("PRODUCTION_PLAN_SECONDS", default=5.0)
PRODUCTION_HORIZON_DAYS = env.int("PRODUCTION_HORIZON_DAYS", default=120)

# --- Security (tightened in production.py) -------------------------------------------------

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"  # Wagtail's preview views override this for their own same-origin frame
# Every cookie the site sets is SameSite=Lax: the session's, CSRF's, the messages' (which
# follow the session's settings), the language's, and Oscar's basket and recently-viewed
# cookies (portal.basket.middleware; Oscar's history takes the session's). Secure in production.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False  # kept readable: Wagtail's admin and API clients send it back as X-CSRFToken
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Only what the site and Stripe need; 'unsafe-inline' styles are for Wagtail's admin and Oscar's dashboard.
_STRIPE_JS = "https://js.stripe.com"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE, _STRIPE_JS],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'", "https://api.stripe.com"],
        "frame-src": ["'self'", _STRIPE_JS, "https://hooks.stripe.com"],
        "frame-ancestors": ["'self'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "oscar": {"level": env("LOG_LEVEL", default="INFO")},
        "oscar.alerts": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
