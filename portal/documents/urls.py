from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("orders/<str:number>/invoice.pdf", views.invoice, name="invoice"),
    path("orders/<str:number>/<str:hash>/invoice.pdf", views.guest_invoice, name="guest-invoice"),
]
