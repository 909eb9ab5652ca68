from django.urls import path

from . import views

app_name = "wallet"
urlpatterns = [
    path("gift-cards/", views.buy, name="buy"),
    path("accounts/wallet/", views.balance, name="balance"),
    path("checkout/gift-card/", views.redeem, name="redeem"),
]
