from django.urls import path

from . import dashboard, views, webhooks

app_name = "payments"

urlpatterns = [
    path("stripe/webhook/", webhooks.stripe_webhook, name="stripe-webhook"),
    path("checkout/demo-authenticate/<str:reference>/", views.demo_authenticate, name="demo-authenticate"),
    path("dashboard/orders/<str:number>/refund/", dashboard.refund, name="refund"),
    path("dashboard/payments/to-refund/", dashboard.to_refund, name="to-refund"),
]
