from django.urls import path

from . import views

app_name = "after_sales"

urlpatterns = [
    path("accounts/orders/<str:number>/cancel/", views.cancel_order, name="cancel-order"),
]
