from django.apps import AppConfig


class AfterSalesConfig(AppConfig):
    """What a customer can do once an order is placed: cancel it, or change a design, before
    production starts (#20)."""

    name = "portal.after_sales"
    label = "after_sales"
    verbose_name = "After the sale"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from ..payments.services.payment_state import handle_other_payments
        from .change_payments import apply_change_payment

        # A design change's difference is a payment of the order's that is not its own.
        handle_other_payments(apply_change_payment)
