from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HelpConfig(AppConfig):
    name = "care.help"
    label = "help"
    verbose_name = _("Help centre")

    def ready(self):
        from . import receivers

        receivers.connect()
