import oscar.apps.checkout.apps as oscar_checkout
from django.urls import path


class CheckoutConfig(oscar_checkout.CheckoutConfig):
    name = "portal.checkout"

    def get_urls(self):
        from portal.payments import views as payment_views

        return [
            *super().get_urls(),
            path("pay/<str:number>/", payment_views.pay, name="pay"),
            path("return/<str:number>/", payment_views.payment_return, name="payment-return"),
        ]
