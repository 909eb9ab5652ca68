"""Django's admin, for superusers and merchandisers only.

Staff roles have their own tools (Oscar's dashboard for planners, Wagtail for editors).
Merchandisers edit configurable product families here, and only what their permissions
allow; no one else gets in, so a planner's staff flag does not open this door.
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig


class SuperuserAdminSite(admin.AdminSite):
    site_header = "Atelier administration"
    site_title = "Atelier admin"

    def has_permission(self, request):
        user = request.user
        return user.is_active and (
            user.is_superuser or (user.is_staff and user.has_perm("configurator.change_productfamily"))
        )


class AtelierAdminConfig(AdminConfig):
    default_site = "portal.admin_site.SuperuserAdminSite"
