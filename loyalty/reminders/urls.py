from django.urls import path

from . import views

app_name = "reminders"

urlpatterns = [
    path("accounts/reminders/", views.preferences, name="preferences"),
    path("reminders/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("reminders/go/<str:token>/", views.go, name="go"),
    path("dashboard/reminders/", views.dashboard, name="dashboard"),
]
