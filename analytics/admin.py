"""Analytics in Django's admin: the unit costs of stocked products, which merchandisers keep, and
line costs to look at (written by the services only, never edited)."""

from django.contrib import admin

from .models import LineCost, ProductCost


@admin.register(LineCost)
class LineCostAdmin(admin.ModelAdmin):
    list_display = ["line", "order", "family_slug", "family_version", "materials_per_unit", "labour_per_unit",
                    "actual_labour_per_unit", "problem", "computed_at"]  # fmt: skip
    list_filter = ["family_slug"]
    search_fields = ["order__number"]
    list_select_related = ["line", "order"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ProductCost)
class ProductCostAdmin(admin.ModelAdmin):
    list_display = ["product", "unit_cost", "updated_at"]
    list_editable = ["unit_cost"]
    search_fields = ["product__title", "product__upc"]
    raw_id_fields = ["product"]
