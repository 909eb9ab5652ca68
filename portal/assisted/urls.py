from django.urls import path

from . import views

app_name = "assisted"
urlpatterns = [
    path("basket/prepared/<str:token>/", views.pay, name="pay"),
]
