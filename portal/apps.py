from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Atelier portal"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from care.claims.refunds import register_refunder
        from care.surveys.links import reminder_link
        from configurator import promise
        from loyalty.reminders.links import register_link
        from loyalty.reminders.models import Trigger
        from production.selectors.promises import capable_to_promise

        from . import pagecache, receivers
        from .after_sales.claim_refunds import refund_claim

        receivers.connect()
        # Stored anonymous pages follow every change of what they show, in every process.
        pagecache.connect()
        # Capable-to-promise: the configurator and checkout ask production's plan for ship dates.
        promise.register_provider(capable_to_promise)
        # The survey reminder opens care's survey (a signed link), which loyalty cannot import.
        register_link(Trigger.SURVEY, reminder_link)
        # A claim decided as a refund is paid through the portal's refund path, which care cannot import.
        register_refunder(refund_claim)
