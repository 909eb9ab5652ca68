from django.urls import path

from . import views

app_name = "configurator"

urlpatterns = [
    path("configure/<slug:slug>/", views.configure, name="configure"),
    path("configure/<slug:slug>/quote/", views.quote, name="quote"),
    path("designs/", views.design_list, name="design-list"),
    path("designs/<uuid:uuid>/basket/", views.design_to_basket, name="design-to-basket"),
    path("designs/<uuid:uuid>/delete/", views.delete_design, name="design-delete"),
    path("designs/<str:token>/", views.shared_design, name="shared-design"),
]
