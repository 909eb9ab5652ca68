from django.urls import path

from . import reports

app_name = "care-reports"
urlpatterns = [
    path("", reports.reports_page, name="reports"),
]
