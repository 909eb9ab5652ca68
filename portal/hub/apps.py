from django.apps import AppConfig


class HubConfig(AppConfig):
    """The account hub: one place for a customer's orders, designs, points, messages and data."""

    name = "portal.hub"
    label = "hub"
    verbose_name = "Account hub"
    default_auto_field = "django.db.models.BigAutoField"
