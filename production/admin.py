"""Factory set-up in Django's admin: plants, calendars, work centers and routings."""

from django.contrib import admin

from .models import (
    Break,
    Calendar,
    Downtime,
    Holiday,
    PlanRun,
    Plant,
    ProductionEvent,
    RoutingStep,
    RoutingTemplate,
    Shift,
    WorkCenter,
)


class ShiftInline(admin.TabularInline):
    model = Shift
    extra = 0


class BreakInline(admin.TabularInline):
    model = Break
    extra = 0


class HolidayInline(admin.TabularInline):
    model = Holiday
    extra = 0


@admin.register(Calendar)
class CalendarAdmin(admin.ModelAdmin):
    inlines = [ShiftInline, BreakInline, HolidayInline]


class DowntimeInline(admin.TabularInline):
    model = Downtime
    extra = 0


@admin.register(WorkCenter)
class WorkCenterAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "plant", "capacity", "calendar", "rate_per_hour"]
    list_editable = ["rate_per_hour"]
    inlines = [DowntimeInline]


class RoutingStepInline(admin.StackedInline):
    model = RoutingStep
    fk_name = "routing"
    extra = 0
    filter_horizontal = ["work_centers"]


@admin.register(RoutingTemplate)
class RoutingTemplateAdmin(admin.ModelAdmin):
    list_display = ["family_slug", "name", "plant", "rush_option"]
    inlines = [RoutingStepInline]


@admin.register(PlanRun)
class PlanRunAdmin(admin.ModelAdmin):
    list_display = ["started", "outcome", "trigger", "status", "weighted_tardiness", "moved_operations", "seconds"]
    readonly_fields = [f.name for f in PlanRun._meta.fields]


@admin.register(ProductionEvent)
class ProductionEventAdmin(admin.ModelAdmin):
    list_display = ["at", "kind", "description", "user"]
    readonly_fields = [f.name for f in ProductionEvent._meta.fields]


admin.site.register(Plant)
