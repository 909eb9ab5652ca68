"""The outbound side's staff routes, under the board's namespace (production:delivery-…); the
carriers' webhook is in carrier_urls.py, at the site's root."""

from django.urls import path

from . import delivery_views as views

urlpatterns = [
    path("delivery-slots/", views.slots, name="delivery-slots"),
    path("delivery-slots/<int:pk>/capacity/", views.slot_capacity, name="delivery-slot-capacity"),
    path("delivery-slots/<int:pk>/remove/", views.slot_remove, name="delivery-slot-remove"),
    path("shipments/import/", views.import_shipments, name="shipments-import"),
    path("orders/<str:number>/shipments/", views.add_shipment, name="add-shipment"),
]
