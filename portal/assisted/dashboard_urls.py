from django.urls import path

from . import dashboard

app_name = "assisted-dashboard"
urlpatterns = [
    path("", dashboard.basket_list, name="list"),
    path("new/", dashboard.start, name="start"),
    path("<int:pk>/", dashboard.basket_page, name="basket"),
    path("<int:pk>/add/", dashboard.add_stocked, name="add"),
    path("<int:pk>/configure/<slug:slug>/", dashboard.configure, name="configure"),
    path("<int:pk>/lines/<int:line_id>/remove/", dashboard.remove_line, name="remove-line"),
    path("<int:pk>/send/", dashboard.send, name="send"),
]
