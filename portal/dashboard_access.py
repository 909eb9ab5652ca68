"""Who may open which staff page: one answer for the views, the dashboard menu and its links.

A role is an Oscar permission list (`["is_staff", "app.codename"]`, read by Oscar's
`check_permissions`). Our staff views require theirs with Oscar's `permissions_required`:
signed out, the sign-in page; signed in without the role, 403. Oscar's own dashboard pages
keep the permissions of their app's `permissions_map`. `may_open` answers for both, so the
dashboard menu (it is OSCAR_DASHBOARD_DEFAULT_ACCESS_FUNCTION) and the links on dashboard
pages (`{% if user|may_open:url %}`, portal/templatetags/staff_access.py) show each role
only what it may open.
"""

import time
from urllib.parse import urlsplit

from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.urls import resolve
from oscar.core.loading import get_class
from oscar.views.decorators import check_permissions

from analytics.access import ANALYSTS
from care.access import CARE_AGENTS, CARE_CLAIM_DECIDERS, CARE_REMAKERS
from loyalty.access import LOYALTY_STAFF, REMINDER_ANALYSTS
from loyalty.wallet.access import STORE_CREDIT_ISSUERS
from production.access import PLANNERS

oscar_access = get_class("dashboard.nav", "default_access_fn")

STAFF = ["is_staff"]
REFUNDERS = ["is_staff", "payments.refund_order"]
# Oscar's order list and pages ask only for order.view_order (a partner's own orders aside);
# lists of everyone's orders of ours ask it of staff.
ORDER_VIEWERS = ["is_staff", "order.view_order"]
CONTENT_EDITORS = ["wagtailadmin.access_admin"]  # what Wagtail itself asks of /cms/


def snippet_editors(app_label, model_name):
    """Whom Wagtail lets into a snippet's listing: admin access and any permission on the model."""
    return tuple(
        [*CONTENT_EDITORS, f"{app_label}.{action}_{model_name}"] for action in ("add", "change", "delete", "view")
    )


# The role our staff pages require, by URL name or for a whole namespace. Anything else the
# menu or a link names must be one of Oscar's dashboard pages.
ROLES = {
    "production": PLANNERS,
    "care-dashboard": CARE_AGENTS,
    "surveys-dashboard": CARE_AGENTS,
    "care-reports": CARE_AGENTS,
    "care-dashboard:remake": CARE_REMAKERS,
    "care-dashboard:decide-claim": CARE_CLAIM_DECIDERS,
    "assisted-dashboard": CARE_AGENTS,
    "loyalty-dashboard": LOYALTY_STAFF,
    "wallet-dashboard": STORE_CREDIT_ISSUERS,
    "reminders:dashboard": REMINDER_ANALYSTS,
    "analytics-dashboard": ANALYSTS,
    "portal:health": STAFF,
    "payments:refund": REFUNDERS,
    "payments:to-refund": ORDER_VIEWERS,
    "wagtailadmin_home": CONTENT_EDITORS,
    # Linked from the reminders page, for those of its readers who may also edit reminders.
    "wagtailsnippets_reminders_reminderrule:list": snippet_editors("reminders", "reminderrule"),
    "wagtailsnippets_reminders_remindermessage:list": snippet_editors("reminders", "remindermessage"),
}


def role(view_name):
    """The permission list of one of our staff pages, or None for a page that is not ours."""
    return ROLES.get(view_name) or ROLES.get(view_name.partition(":")[0])


def may_open(user, url_name, url_args=None, url_kwargs=None):
    """Oscar's access_fn signature: may this user open the page named `url_name`?"""
    if url_name is None:  # a menu heading: Oscar shows it when one of its entries is shown
        return True
    required = role(url_name)
    if required is not None:
        return check_permissions(user, required)
    try:
        return oscar_access(user, url_name, url_args, url_kwargs)
    except KeyError:
        raise ImproperlyConfigured(
            f"{url_name} is neither an Oscar dashboard page nor listed in portal.dashboard_access.ROLES"
        ) from None


def may_open_url(user, url):
    """The same answer for a URL on this site, as `{% url %}` writes it."""
    match = resolve(urlsplit(url).path)
    return may_open(user, match.view_name, match.args, match.kwargs)


# --- The storefront header's "Dashboard" link ----------------------------------------------
#
# Every storefront page a signed-in customer opens asks whether to show them the dashboard link,
# which loads their permissions (two queries). The answer is kept per user in the cache every
# worker shares, under a version that any change of a user, a group, a permission or who holds
# which bumps (`connect`), so a granted or withdrawn role shows on the next page.

_ACCESS_VERSION = "dashboard-access:version"


def _access_cache():
    return caches["storefront"]


def may_open_dashboard(user):
    """`may_open(user, "dashboard:index")`, kept per user until users, groups or permissions change."""
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return may_open(user, "dashboard:index")  # staff pages read the permissions anyway
    key = f"dashboard-access:user:{user.pk}"
    found = _access_cache().get_many([_ACCESS_VERSION, key])
    version = found.get(_ACCESS_VERSION)
    if version is None:
        _access_cache().add(_ACCESS_VERSION, time.time_ns(), None)
        version = _access_cache().get(_ACCESS_VERSION)
    kept = found.get(key)
    if kept is not None and kept[0] == version:
        return kept[1]
    answer = may_open(user, "dashboard:index")
    _access_cache().set(key, (version, answer), 3600)
    return answer


def _access_changed(**kwargs):
    def bump():
        _access_cache().set(_ACCESS_VERSION, time.time_ns(), None)

    bump()
    transaction.on_commit(bump)


def connect():
    """Forget every kept answer when a user, a group, a permission or a membership changes."""
    from django.contrib.auth.models import Group, Permission

    user_model = get_user_model()
    for model in (user_model, Group, Permission):
        for signal in (post_save, post_delete):
            signal.connect(_access_changed, sender=model, dispatch_uid=f"dashboard-access-{signal}-{model}")
    for through in (user_model.groups.through, user_model.user_permissions.through, Group.permissions.through):
        m2m_changed.connect(_access_changed, sender=through, dispatch_uid=f"dashboard-access-m2m-{through}")
