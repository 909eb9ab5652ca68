from django.urls import path

from . import views

app_name = "hub"

urlpatterns = [
    path("accounts/", views.overview, name="overview"),
    path("accounts/orders/<str:number>/buy-again/", views.reorder_order, name="reorder-order"),
    # The path of Oscar's own line re-order, so its button goes through our re-pricing service.
    path("accounts/orders/<str:number>/<int:line_id>/", views.reorder_line, name="reorder-line"),
    path("accounts/data/", views.your_data, name="data"),
    path("accounts/data/export.json", views.export_data, name="export"),
    path("accounts/data/cancel-deletion/", views.cancel_deletion, name="cancel-deletion"),
    # Oscar's own view deletes at once; ours records a request the customer can still cancel.
    path("accounts/profile/delete/", views.request_deletion, name="request-deletion"),
]
