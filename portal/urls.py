"""URL map: specific routes first, Oscar's shop under its prefixes, Wagtail's catch-all last."""

from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.decorators.cache import never_cache
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.admin.auth import require_admin_access
from wagtail.admin.views import account as wagtail_account
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from . import views
from .api import api
from .cms import privacy_passwords
from .customer.lockout import ResetPasswordForm
from .customer.views import WagtailAccountView

portal_patterns = (
    [
        path("dashboard/health/", views.health_page, name="health"),
        path("healthz", views.liveness, name="liveness"),
    ],
    "portal",
)

urlpatterns = [
    path("django-admin/", admin.site.urls),
    # Wagtail's account page and reset link, with the password checked through the sign-in lockout
    # and a reset lifting it (portal.customer.lockout); Wagtail's own routes for them come after.
    path("cms/account/", never_cache(require_admin_access(WagtailAccountView.as_view())), name="wagtailadmin_account"),
    path(
        "cms/password_reset/confirm/<uidb64>/<token>/",
        wagtail_account.PasswordResetConfirmView.as_view(form_class=ResetPasswordForm),
        name="wagtailadmin_password_reset_confirm",
    ),
    path("cms/", include(wagtailadmin_urls)),
    # Wagtail's privacy-password forms (a page's, a document collection's), with a limit on guesses
    # (portal.cms.privacy_passwords); Wagtail's own routes for them come after.
    path(
        "documents/authenticate_with_password/<int:restriction_id>/",
        privacy_passwords.authenticate_with_document_password,
        name="wagtaildocs_authenticate_with_password",
    ),
    path(
        "_util/authenticate_with_password/<int:page_view_restriction_id>/<int:page_id>/",
        privacy_passwords.authenticate_with_page_password,
        name="wagtailcore_authenticate_with_password",
    ),
    path("documents/", include(wagtaildocs_urls)),
    path("sitemap.xml", sitemap),
    path("", include(portal_patterns)),
    path("dashboard/production/", include("production.urls")),
    path("floor/", include("production.terminal_urls")),
    path("", include("production.carrier_urls")),
    # Before the console's tickets, whose references would take "surveys" and "reports".
    path("dashboard/care/surveys/", include("care.surveys.dashboard.urls")),
    path("dashboard/care/reports/", include("care.dashboard.report_urls")),
    path("dashboard/care/baskets/", include("portal.assisted.dashboard_urls")),
    path("dashboard/care/", include("care.dashboard.urls")),
    path("api/", api.urls),
    path("", include("configurator.urls")),
    path("", include("portal.payments.urls")),
    path("", include("portal.documents.urls")),
    path("", include("loyalty.reminders.urls")),
    path("", include("portal.after_sales.urls")),
    path("", include("portal.hub.urls")),
    path("", include("portal.assisted.urls")),
    path("", include("care.urls")),
    path("", include("care.surveys.urls")),
    path("", include("loyalty.urls")),
    path("", include("loyalty.wallet.urls")),
    path("dashboard/store-credit/", include("loyalty.wallet.dashboard_urls")),
    path("dashboard/loyalty/", include("loyalty.dashboard.urls")),
    path("dashboard/analytics/", include("analytics.dashboard.urls")),
    # Sign-out is POST-only; Oscar's own view signs out on GET.
    path("accounts/logout/", views.sign_out, name="sign-out"),
    path("", include(apps.get_app_config("oscar").urls[0])),
]

if getattr(settings, "SERVE_MEDIA", False):
    urlpatterns.append(re_path(r"^media/(?P<path>.*)$", views.serve_media, name="media"))

urlpatterns.append(path("", include(wagtail_urls)))
