"""Each demo login works where it should and nowhere else."""

import pytest

from portal import health

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


def _answer(response):
    if response.status_code == 200:
        return "ok"
    if response.status_code == 403:
        return "forbidden"
    if response.status_code == 302 and "login" in response["Location"]:
        return "login"
    return f"unexpected {response.status_code} {response.get('Location', '')}"


@pytest.mark.parametrize(("path", "who", "expected"), CASES, ids=[f"{p} {w or 'anonymous'}" for p, w, _ in CASES])
def test_staff_areas_admit_only_their_roles(client, login, path, who, expected, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True  # the health page must not wait on a worker here
    health.record_heartbeat(hostname="test")  # so the health page answers 200, not 503
    if who:
        login(who)

    assert _answer(client.get(path)) == expected


def test_planner_sees_orders_but_cannot_edit_the_catalogue_in_the_dashboard_menu(login):
    html = login(PLANNER).get("/dashboard/").content.decode()

    assert "/dashboard/orders/" in html
    assert "/dashboard/catalogue/product-types/" not in html  # the Catalogue menu is not offered
    assert "/dashboard/health/" in html
