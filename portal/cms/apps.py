from django.apps import AppConfig


class CmsConfig(AppConfig):
    name = "portal.cms"
    label = "cms"
    verbose_name = "Storefront pages"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import receivers

        receivers.connect()
