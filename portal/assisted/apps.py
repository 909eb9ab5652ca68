from django.apps import AppConfig


class AssistedConfig(AppConfig):
    """Baskets staff build for a customer (on the phone, from a ticket) that the customer pays by link."""

    name = "portal.assisted"
    label = "assisted"
    verbose_name = "Assisted baskets"
    default_auto_field = "django.db.models.BigAutoField"
