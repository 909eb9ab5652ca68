"""Django's admin, for superusers and merchandisers only.

Staff roles have their own tools (Oscar's dashboard for planners, Wagtail for editors).
Merchandisers edit configurable product families here, and only what their permissions
allow; no one else gets in, so a planner's staff flag does not open this door.
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.urls import reverse


class SuperuserAdminSite(admin.AdminSite):
    site_header = "Atelier administration"
    site_title = "Atelier admin"

    def has_permission(self, request):
        user = request.user
        return user.is_active and (
            user.is_superuser or (user.is_staff and user.has_perm("configurator.change_productfamily"))
        )

    def password_change(self, request, extra_context=None):
        # Django's, with the old password checked through the sign-in lockout (portal.customer.lockout).
        from portal.customer.views import AdminPasswordChangeView

        request.current_app = self.name
        return AdminPasswordChangeView.as_view(
            success_url=reverse("admin:password_change_done", current_app=self.name),
            extra_context={**self.each_context(request), **(extra_context or {})},
        )(request)


class AtelierAdminConfig(AdminConfig):
    default_site = "portal.admin_site.SuperuserAdminSite"
