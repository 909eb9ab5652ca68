from django.urls import path

from . import views

app_name = "surveys-dashboard"
urlpatterns = [
    path("", views.survey_list, name="list"),
]
