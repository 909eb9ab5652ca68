"""Staff edit families here: options and choices, rules with their messages, prices; then publish.

Edits are a draft: shoppers keep configuring the current version until a staff member
presses "Publish a new version", which checks the whole schema first.
"""

from django.contrib import admin, messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from . import services
from .models import Choice, FamilyVersion, Option, OptionGroup, ProductFamily, QuantityBreak, Rule, SavedDesign
from .schema import draft_schema_problems


class OptionGroupInline(admin.TabularInline):
    model = OptionGroup
    extra = 0


class OptionInline(admin.TabularInline):
    model = Option
    extra = 0
    fields = ("position", "code", "name", "group", "kind", "required", "default", "price", "lead_days")
    show_change_link = True


class RuleInline(admin.StackedInline):
    model = Rule
    extra = 0
    fields = (("kind", "active", "position"), "message", "definition")


class QuantityBreakInline(admin.TabularInline):
    model = QuantityBreak
    extra = 0


@admin.register(ProductFamily)
class ProductFamilyAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "product", "base_price", "current_version_number")
    readonly_fields = ("current_version", "draft_problems", "publish_button")
    inlines = [OptionGroupInline, OptionInline, RuleInline, QuantityBreakInline]
    fieldsets = (
        (None, {"fields": ("name", "slug", "product", "preview")}),
        ("Price and lead time", {"fields": ("base_price", "base_cost", "base_lead_days")}),
        ("Publishing", {"fields": ("current_version", "draft_problems", "publish_button")}),
    )

    @admin.display(description="current version")
    def current_version_number(self, family):
        return family.current_version.number if family.current_version else "not published"

    @admin.display(description="problems in this draft")
    def draft_problems(self, family):
        if not family.pk:
            return "-"
        problems = draft_schema_problems(family)
        if not problems:
            return "None: this draft can be published."
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((problem,) for problem in problems)))

    @admin.display(description="publish")
    def publish_button(self, family):
        if not family.pk:
            return "-"
        url = reverse("admin:configurator_productfamily_publish", args=[family.pk])
        return format_html('<a class="button" href="{}">Publish a new version</a>', url)

    def get_urls(self):
        return [
            path(
                "<int:pk>/publish/",
                self.admin_site.admin_view(self.publish_view),
                name="configurator_productfamily_publish",
            ),
            *super().get_urls(),
        ]

    def publish_view(self, request, pk):
        family = get_object_or_404(ProductFamily, pk=pk)
        if not self.has_change_permission(request, family):
            return redirect("admin:index")
        try:
            version = services.publish_version(family=family, user=request.user)
        except services.SchemaProblems as problems:
            for problem in problems.problems:
                messages.error(request, problem)
        else:
            messages.success(request, f"Version {version.number} of {family} is live.")
        return redirect("admin:configurator_productfamily_change", family.pk)


class ChoiceInline(admin.TabularInline):
    model = Choice
    extra = 0


@admin.register(Option)
class OptionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "family", "kind", "required")
    list_filter = ("family", "kind")
    inlines = [ChoiceInline]


@admin.register(FamilyVersion)
class FamilyVersionAdmin(admin.ModelAdmin):
    list_display = ("family", "number", "published_at", "published_by")
    readonly_fields = ("family", "number", "schema", "published_at", "published_by")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SavedDesign)
class SavedDesignAdmin(admin.ModelAdmin):
    list_display = ("__str__", "family", "owner", "version_number", "price", "is_preset", "updated_at")
    list_filter = ("family", "is_preset")
    readonly_fields = ("uuid", "share_token", "created_at", "updated_at")
