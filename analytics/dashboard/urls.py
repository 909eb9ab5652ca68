from django.urls import path

from . import value_classes, views

app_name = "analytics-dashboard"
urlpatterns = [
    path("margins/", views.margins_page, name="margins"),
    path("margins/option/", views.option_orders, name="option-orders"),
    path("value-classes/", value_classes.value_classes_page, name="value-classes"),
    path("value-classes/<slug:code>/", value_classes.class_customers, name="value-class-customers"),
]
