from django.urls import path

from . import views

app_name = "analytics-dashboard"
urlpatterns = [
    path("margins/", views.margins_page, name="margins"),
    path("margins/option/", views.option_orders, name="option-orders"),
]
