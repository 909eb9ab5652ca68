from django.urls import path

from portal.documents import views as document_views

from . import dashboard, views, webhooks

app_name = "payments"

urlpatterns = [
    path("stripe/webhook/", webhooks.stripe_webhook, name="stripe-webhook"),
    path("checkout/demo-authenticate/<str:reference>/", views.demo_authenticate, name="demo-authenticate"),
    path("dashboard/orders/<str:number>/refund/", dashboard.refund, name="refund"),
    path("dashboard/payments/to-refund/", dashboard.to_refund, name="to-refund"),
    path("orders/<str:number>/invoice.pdf", document_views.invoice, name="invoice"),
    path("orders/<str:number>/<str:hash>/invoice.pdf", document_views.guest_invoice, name="guest-invoice"),
]
