"""Each demo login works where it should and nowhere else, and is shown only what it may open."""

import re
from collections import defaultdict
from datetime import datetime, time, timedelta
from html import unescape
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import Permission
from django.urls import Resolver404, resolve
from django.utils import timezone
from oscar.core.loading import get_class

from portal import dashboard_access, health
from tests.helpers import access_answer

get_nodes = get_class("dashboard.menu", "get_nodes")

pytestmark = pytest.mark.django_db

ADMIN, PLANNER, EDITOR, SHOPPER = (
    "admin@atelier.example",
    "planner@atelier.example",
    "editor@atelier.example",
    "ada@example.com",
)

# For each staff area: the answer each visitor gets. "ok" is 200; "login" a redirect to a
# sign-in page; "forbidden" a 403 (signed in, but not allowed).
MATRIX = {
    "/dashboard/": {ADMIN: "ok", PLANNER: "ok", EDITOR: "forbidden", SHOPPER: "forbidden", None: "login"},
    "/dashboard/orders/": {ADMIN: "ok", PLANNER: "ok", EDITOR: "forbidden", SHOPPER: "forbidden", None: "login"},
    "/dashboard/catalogue/": {
        ADMIN: "ok",
        PLANNER: "forbidden",
        EDITOR: "forbidden",
        SHOPPER: "forbidden",
        None: "login",
    },
    "/dashboard/health/": {ADMIN: "ok", PLANNER: "ok", EDITOR: "forbidden", SHOPPER: "forbidden", None: "login"},
    "/cms/": {ADMIN: "ok", PLANNER: "login", EDITOR: "ok", SHOPPER: "login", None: "login"},
    "/cms/snippets/cms/navigationmenu/": {ADMIN: "ok", PLANNER: "login", EDITOR: "ok", SHOPPER: "login", None: "login"},
    "/django-admin/": {ADMIN: "ok", PLANNER: "login", EDITOR: "login", SHOPPER: "login", None: "login"},
    "/accounts/profile/": {ADMIN: "ok", PLANNER: "ok", EDITOR: "ok", SHOPPER: "ok", None: "login"},
}

CASES = [(path, who, answer) for path, answers in MATRIX.items() for who, answer in answers.items()]


@pytest.mark.parametrize(("path", "who", "expected"), CASES, ids=[f"{p} {w or 'anonymous'}" for p, w, _ in CASES])
def test_staff_areas_admit_only_their_roles(client, login, path, who, expected, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True  # the health page must not wait on a worker here
    health.record_heartbeat(hostname="test")  # so the health page answers 200, not 503
    if who:
        login(who)

    assert access_answer(client.get(path)) == expected


def test_planner_sees_orders_but_cannot_edit_the_catalogue_in_the_dashboard_menu(login):
    html = login(PLANNER).get("/dashboard/").content.decode()

    assert "/dashboard/orders/" in html
    assert "/dashboard/catalogue/product-types/" not in html  # the Catalogue menu is not offered
    assert "/dashboard/health/" in html


# Each of our staff pages (all in the dashboard menu) and the permission its role adds to being staff.
OUR_STAFF_PAGES = {
    "/dashboard/production/": "production.plan_production",
    "/dashboard/loyalty/": "loyalty.manage_loyalty",
    "/dashboard/loyalty/rules/": "loyalty.manage_loyalty",
    "/dashboard/loyalty/customers/": "loyalty.manage_loyalty",
    "/dashboard/reminders/": "reminders.view_remindersend",
    "/dashboard/health/": None,  # any staff
}
# is_staff, holds the page's permission
PEOPLE = {
    "staff with the permission": (True, True),
    "staff without it": (True, False),
    "a customer with it": (False, True),
}


def _menu_urls(user):
    return {entry.url for node in get_nodes(user) for entry in [node, *node.children] if not entry.is_heading}


@pytest.mark.parametrize("who", list(PEOPLE))
@pytest.mark.parametrize("path", list(OUR_STAFF_PAGES))
def test_a_staff_page_admits_exactly_whom_the_menu_offers_it_to(client, path, who, settings, django_user_model):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    health.record_heartbeat(hostname="test")
    is_staff, holds_permission = PEOPLE[who]
    permission = OUR_STAFF_PAGES[path]
    person = django_user_model.objects.create_user(email="someone@staff.example", password="x")
    person.is_staff = is_staff
    person.save(update_fields=["is_staff"])
    if permission and holds_permission:
        app_label, codename = permission.split(".")
        person.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    person = django_user_model.objects.get(pk=person.pk)  # a fresh instance: permissions are cached on it
    client.force_login(person)
    admitted = is_staff and (permission is None or holds_permission)

    assert access_answer(client.get(path)) == ("ok" if admitted else "forbidden")
    assert dashboard_access.may_open_url(person, path) is admitted
    assert (path in _menu_urls(person)) is admitted


# Links in the page (href) and in Wagtail's sidebar, which its script draws from JSON ("url": ...).
LINK = re.compile(r'(?:href="|"url": ")(/[^"#?]*)')
FORM = re.compile(r"<form\b[^>]*>", re.IGNORECASE)
ACTION = re.compile(r'action="(/dashboard/[^"#?]*)"')
STAFF_AREAS = ("/dashboard/", "/cms/", "/django-admin/")
SAMPLES_PER_PAGE = 3  # pages of one view answer alike (an order, another order): three of each are opened


def _refusal(response):
    """Why a signed-in person was turned away, or None: 403, sent to sign in, or Wagtail's 'not allowed'."""
    location = response.get("Location", "")
    if response.status_code == 403:
        return "403"
    if response.status_code == 302 and ("login" in location or location == "/cms/"):
        return f"302 to {location}"
    return None


def _plan_an_operation_today():
    """Put one planned operation in today's board, whose day view is where the walk lands.

    The demo's plan starts at the next shift from when the template database was built: late in the
    evening that is tomorrow, and today's board would show no operation and so no status button.
    """
    from production import planning
    from production.models import Operation

    morning = datetime.combine(timezone.localdate(), time(9), planning.plant_zone())
    operation = Operation.objects.filter(status="planned", work_center__isnull=False).first()
    Operation.objects.filter(pk=operation.pk).update(planned_start=morning, planned_end=morning + timedelta(hours=1))


def _crawl(client, start, clicks):
    """Open the staff pages linked from `start`, up to `clicks` clicks away.

    Every answer, by path, and the dashboard URLs the pages' forms post to (their buttons).
    """
    answers, actions, opened_per_view, pages = {}, set(), defaultdict(int), [start]
    for _ in range(clicks + 1):
        links = []
        for path in pages:
            try:
                view = resolve(path).view_name
            except Resolver404:
                view = path
            if path in answers or opened_per_view[view] >= SAMPLES_PER_PAGE:
                continue
            opened_per_view[view] += 1
            response = client.get(path)
            answers[path] = (view, response)
            if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
                html = response.content.decode()
                links += [unescape(link) for link in LINK.findall(html) if link.startswith(STAFF_AREAS)]
                actions |= {action for form in FORM.findall(html) for action in ACTION.findall(form)}
        pages = [urlsplit(link).path for link in links]
    return answers, actions


# Where each staff role starts, pages it must reach and buttons it must meet (so the walk cannot pass
# by seeing nothing). The editor's buttons in Wagtail post to Wagtail's own pages, which check themselves.
WALKS = {
    ADMIN: (
        "/dashboard/",
        {"dashboard:catalogue-product-list", "loyalty-dashboard:overview", "wagtailadmin_home"},
        {"dashboard:logout", "payments:refund"},
    ),
    PLANNER: (
        "/dashboard/",
        {"production:board", "production:traveler", "dashboard:order-list", "dashboard:order-detail", "portal:health"},
        {"dashboard:logout", "production:replan", "production:status"},
    ),
    EDITOR: (
        "/cms/",
        {"wagtailadmin_pages:edit", "wagtailimages:index", "wagtailsnippets_cms_navigationmenu:list"},
        set(),
    ),
    "loyalty staff": ("/dashboard/", {"loyalty-dashboard:rules", "loyalty-dashboard:customer"}, {"dashboard:logout"}),
    "reminder analyst": ("/dashboard/", {"reminders:dashboard"}, {"dashboard:logout"}),
    "reminder analyst who edits rules": (
        "/dashboard/",
        {"reminders:dashboard", "wagtailsnippets_reminders_reminderrule:list"},
        {"dashboard:logout"},
    ),
}
# Staff roles the demo has no login for: a staff account with these permissions.
ROLE_PERMISSIONS = {
    "loyalty staff": ["loyalty.manage_loyalty"],
    "reminder analyst": ["reminders.view_remindersend"],
    "reminder analyst who edits rules": [
        "reminders.view_remindersend",
        "wagtailadmin.access_admin",
        "reminders.change_reminderrule",
    ],
}


def _sign_in_as(client, who, django_user_model):
    if who not in ROLE_PERMISSIONS:
        person = django_user_model.objects.get(email=who)
    else:
        person = django_user_model.objects.create_user(email="role@staff.example", password="x")
        person.is_staff = True
        person.save(update_fields=["is_staff"])
        for permission in ROLE_PERMISSIONS[who]:
            app_label, codename = permission.split(".")
            person.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    client.force_login(person)
    return django_user_model.objects.get(pk=person.pk)


@pytest.mark.parametrize("who", list(WALKS))
def test_no_link_or_button_a_staff_role_is_shown_turns_it_away(client, who, settings, django_user_model):
    """Every link, menu entry and button on the role's home and the pages they lead to, three clicks deep.

    Links are followed; a button's form is not sent (it would change data): its target must be a page
    the role may open, which the test above holds to the view's own answer.
    """
    settings.CELERY_TASK_ALWAYS_EAGER = True
    health.record_heartbeat(hostname="test")
    start, must_reach, must_meet = WALKS[who]
    person = _sign_in_as(client, who, django_user_model)
    _plan_an_operation_today()

    answers, actions = _crawl(client, start, clicks=3)

    refused = {path: _refusal(response) for path, (_, response) in answers.items() if _refusal(response)}
    assert refused == {}
    assert must_reach <= {view for view, _ in answers.values()}
    assert must_meet <= {resolve(action).view_name for action in actions}
    assert {action for action in actions if not dashboard_access.may_open_url(person, action)} == set()
