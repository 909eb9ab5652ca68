from django.urls import path

from . import cohort_views, promise_views, roi_views, value_classes, views

app_name = "analytics-dashboard"
urlpatterns = [
    path("margins/", views.margins_page, name="margins"),
    path("margins/option/", views.option_orders, name="option-orders"),
    path("roi/", roi_views.roi_page, name="roi"),
    path("roi/<slug:kind>/<slug:key>/", roi_views.roi_detail, name="roi-detail"),
    path("value-classes/", value_classes.value_classes_page, name="value-classes"),
    path("value-classes/<slug:code>/", value_classes.class_customers, name="value-class-customers"),
    path("cohorts/", cohort_views.cohorts_page, name="cohorts"),
    path("cohorts/orders/", cohort_views.cohort_orders, name="cohort-orders"),
    path("promises/", promise_views.promises_page, name="promises"),
    path("promises/orders/", promise_views.promise_orders, name="promise-orders"),
]
