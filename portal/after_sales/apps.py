from django.apps import AppConfig


class AfterSalesConfig(AppConfig):
    """What a customer can do once an order is placed: cancel it before production starts (#20)."""

    name = "portal.after_sales"
    label = "after_sales"
    verbose_name = "After the sale"
    default_auto_field = "django.db.models.BigAutoField"
