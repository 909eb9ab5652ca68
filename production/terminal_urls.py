from django.urls import path

from . import terminal_views as views

app_name = "floor"
urlpatterns = [
    path("", views.home, name="home"),
    path("<slug:code>/", views.center, name="center"),
    path("<slug:code>/operations/<int:pk>/", views.operation, name="operation"),
    path("<slug:code>/operations/<int:pk>/<slug:action>/", views.act, name="act"),
]
