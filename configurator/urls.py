from django.urls import path

from . import views

app_name = "configurator"

urlpatterns = [
    path("configure/<slug:slug>/", views.configure, name="configure"),
    path("configure/<slug:slug>/quote/", views.quote, name="quote"),
    path("designs/", views.design_list, name="design-list"),
    path("designs/<str:token>/", views.shared_design, name="shared-design"),
]
