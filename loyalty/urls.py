from django.urls import path

from . import views

app_name = "loyalty"
urlpatterns = [
    path("accounts/points/", views.points_page, name="points"),
    path("checkout/points/", views.redeem, name="redeem"),
    path("accounts/invite/", views.invite_page, name="invite"),
    path("invite/<str:code>/", views.invite_landing, name="invite-landing"),
]
