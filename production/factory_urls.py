"""The factory pages' routes, mounted under the board's namespace (production:factory-…)."""

from django.urls import path

from . import factory_setup_views as setup
from . import factory_views as views

urlpatterns = [
    path("factory/", views.index, name="factory"),
    path("factory/plants/new/", setup.add_plant, name="factory-add-plant"),
    path("factory/plants/<int:pk>/", setup.rename_plant, name="factory-plant"),
    path("factory/calendars/new/", setup.add_calendar, name="factory-add-calendar"),
    path("factory/work-centers/new/", setup.add_work_center, name="factory-add-work-center"),
    path("factory/routings/<int:pk>/", views.routing, name="factory-routing"),
    path("factory/routings/new/<slug:family_slug>/", setup.add_routing, name="factory-add-routing"),
    path("factory/work-centers/<int:pk>/", views.work_center, name="factory-work-center"),
    path("factory/calendars/<int:pk>/", views.calendar, name="factory-calendar"),
    path("factory/calendars/<int:pk>/holidays/", views.add_holiday, name="factory-add-holiday"),
    path(
        "factory/calendars/<int:pk>/holidays/<int:holiday_pk>/remove/",
        views.remove_holiday,
        name="factory-remove-holiday",
    ),
    path("factory/calendars/<int:pk>/overtime/", views.add_overtime, name="factory-add-overtime"),
    path(
        "factory/calendars/<int:pk>/overtime/<int:overtime_pk>/remove/",
        views.remove_overtime,
        name="factory-remove-overtime",
    ),
]
