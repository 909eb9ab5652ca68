from django.urls import path

from . import views

app_name = "loyalty-dashboard"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("rules/", views.rules, name="rules"),
    path("tiers/<slug:code>/", views.tier_edit, name="tier"),
    path("customers/", views.customers, name="customers"),
    path("customers/<int:user_id>/", views.customer, name="customer"),
]
