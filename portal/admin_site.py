"""Django's admin, for superusers only.

Staff roles have their own tools (Oscar's dashboard for planners and merchandisers,
Wagtail for editors); the raw admin can change anything, so only superusers get in.
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig


class SuperuserAdminSite(admin.AdminSite):
    site_header = "Atelier administration"
    site_title = "Atelier admin"

    def has_permission(self, request):
        return request.user.is_active and request.user.is_superuser


class AtelierAdminConfig(AdminConfig):
    default_site = "portal.admin_site.SuperuserAdminSite"
