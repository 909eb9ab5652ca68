from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Atelier portal"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from configurator import promise
        from production.selectors.promises import capable_to_promise

        from . import receivers

        receivers.connect()
        # Capable-to-promise: the configurator and checkout ask production's plan for ship dates.
        promise.register_provider(capable_to_promise)
