from django.contrib import admin

from .models import DeletionRequest


@admin.register(DeletionRequest)
class DeletionRequestAdmin(admin.ModelAdmin):
    """Read-only: requests are made by customers and carried out by the nightly job."""

    list_display = ("reference", "user", "requested_at", "erase_after", "cancelled_at", "erased_at")
    list_filter = ("erased_at", "cancelled_at")
    search_fields = ("reference", "user__email")
    readonly_fields = [field.name for field in DeletionRequest._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
