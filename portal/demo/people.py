"""Demo people: a staff admin, a planner, a shop-floor operator, a content editor and shoppers, each with their role."""

from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType

from portal.cms.navigation import NavigationMenu, SiteFooter

PLANNERS = "Planners"
EDITORS = "Editors"  # created by Wagtail's own migrations, with page permissions on the tree
OPERATORS = "Shop floor"  # the shop-floor terminal (/floor/), production.operate_floor


@dataclass(frozen=True)
class DemoLogin:
    email: str
    password: str
    first_name: str
    last_name: str
    role: str
    where: str
    birth_date: date | None = None
    is_staff: bool = False
    is_superuser: bool = False
    groups: tuple = ()


LOGINS = [
    DemoLogin(
        "admin@atelier.example",
        "atelier-admin",
        "Sam",
        "Okafor",
        "staff admin",
        "everywhere: /dashboard/, /cms/, /django-admin/",
        is_staff=True,
        is_superuser=True,
    ),
    DemoLogin(
        "planner@atelier.example",
        "atelier-planner",
        "Pat",
        "Reyes",
        "factory planner",
        "/dashboard/ (orders, planning, health); not /cms/ or /django-admin/",
        is_staff=True,
        groups=(PLANNERS,),
    ),
    DemoLogin(
        "operator@atelier.example",
        "atelier-operator",
        "Olu",
        "Mensah",
        "shop-floor operator",
        "/floor/ (the work centers' terminal); not /dashboard/ or /cms/",
        groups=(OPERATORS,),
    ),
    DemoLogin(
        "editor@atelier.example",
        "atelier-editor",
        "Eve",
        "Lindqvist",
        "content editor",
        "/cms/ (pages, menu, footer, images, canned replies); not /dashboard/ or /django-admin/",
        groups=(EDITORS,),
    ),
    DemoLogin(
        "ada@example.com",
        "atelier-shopper",
        "Ada",
        "Byron",
        "shopper, customer since last year",
        "the shop and /accounts/",
        birth_date=date(1988, 12, 10),
    ),
    DemoLogin(
        "ben@example.com",
        "atelier-shopper",
        "Ben",
        "Adeyemi",
        "shopper, one order",
        "the shop and /accounts/",
        birth_date=date(1995, 3, 2),
    ),
    DemoLogin(
        "chloe@example.com",
        "atelier-shopper",
        "Chloé",
        "Martin",
        "shopper, registered, never ordered",
        "the shop and /accounts/",
    ),
]

PLANNER_PERMISSIONS = [("order", "order", "view_order"), ("order", "order", "change_order")]
EDITOR_SNIPPET_ACTIONS = ("add", "change", "delete", "publish", "view")


def _permissions(app_label, model, codenames):
    content_type = ContentType.objects.get(app_label=app_label, model=model)
    return list(Permission.objects.filter(content_type=content_type, codename__in=codenames))


def _grant_editors_wagtail(editors):
    """What Wagtail's migrations give "Editors", made again where a flush removed it."""
    from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

    created = 0
    if not editors.permissions.filter(codename="access_admin").exists():
        editors.permissions.add(*_permissions("wagtailadmin", "admin", ["access_admin"]))
        created += 1
    root_page = Page.get_first_root_node()
    for permission_type in ("add", "change", "publish"):
        permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=f"{permission_type}_page")
        _, was_created = GroupPagePermission.objects.get_or_create(group=editors, page=root_page, permission=permission)
        created += was_created
    root_collection = Collection.get_first_root_node()
    for app_label, model in (("wagtailimages", "image"), ("wagtaildocs", "document")):
        for action in ("add", "change", "choose"):
            permission = _permissions(app_label, model, [f"{action}_{model}"])[0]
            _, was_created = GroupCollectionPermission.objects.get_or_create(
                group=editors, collection=root_collection, permission=permission
            )
            created += was_created
    return created


def load_groups():
    created = 0
    planners, was_created = Group.objects.get_or_create(name=PLANNERS)
    created += was_created
    if was_created:
        for app_label, model, codename in PLANNER_PERMISSIONS:
            planners.permissions.add(*_permissions(app_label, model, [codename]))
    operators, was_created = Group.objects.get_or_create(name=OPERATORS)
    created += was_created
    if not operators.permissions.filter(codename="operate_floor").exists():
        operators.permissions.add(*_permissions("production", "workorder", ["operate_floor"]))
        created += 1
    editors, was_created = Group.objects.get_or_create(name=EDITORS)
    created += was_created + _grant_editors_wagtail(editors)
    if not editors.permissions.filter(codename="publish_navigationmenu").exists():
        for model in (NavigationMenu, SiteFooter):
            name = model._meta.model_name
            editors.permissions.add(
                *_permissions("cms", name, [f"{action}_{name}" for action in EDITOR_SNIPPET_ACTIONS])
            )
        created += 1
    # Canned replies are worded by the people who word the help centre (care/canned.py); no drafts, so no publish.
    if not editors.permissions.filter(codename="add_cannedreply").exists():
        codenames = [f"{action}_cannedreply" for action in ("add", "change", "delete", "view")]
        editors.permissions.add(*_permissions("care", "cannedreply", codenames))
        created += 1
    return created


def load_users():
    user_model = get_user_model()
    created = 0
    for login in LOGINS:
        if user_model.objects.filter(email=login.email).exists():
            continue
        user = user_model.objects.create_user(
            email=login.email,
            password=login.password,
            first_name=login.first_name,
            last_name=login.last_name,
            birth_date=login.birth_date,
        )
        user.is_staff, user.is_superuser = login.is_staff, login.is_superuser
        user.save(update_fields=["is_staff", "is_superuser"])
        user.groups.add(*Group.objects.filter(name__in=login.groups))
        created += 1
    return created
