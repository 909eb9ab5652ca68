from django.urls import path

from . import change_views, views

app_name = "after_sales"

urlpatterns = [
    path("accounts/orders/<str:number>/cancel/", views.cancel_order, name="cancel-order"),
    path("accounts/orders/<str:number>/lines/<int:line_id>/change/", change_views.change_design, name="change-design"),
    path(
        "accounts/orders/<str:number>/lines/<int:line_id>/change/confirm/",
        change_views.confirm_change,
        name="confirm-change",
    ),
    path("accounts/orders/<str:number>/changes/<int:change_id>/pay/", change_views.pay_change, name="pay-change"),
    path(
        "accounts/orders/<str:number>/changes/<int:change_id>/return/",
        change_views.payment_return,
        name="change-payment-return",
    ),
    path("accounts/orders/<str:number>/changes/<int:change_id>/keep/", change_views.keep_order, name="keep-order"),
]
