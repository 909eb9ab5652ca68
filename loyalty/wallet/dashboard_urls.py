from django.urls import path

from . import views

app_name = "wallet-dashboard"
urlpatterns = [path("", views.issue_credit, name="credit")]
