"""The carriers' signed tracking webhook, mounted at the site's root by portal/urls.py."""

from django.urls import path

from . import delivery_views

urlpatterns = [
    path("carriers/tracking/", delivery_views.carrier_webhook, name="carrier-webhook"),
]
